"""Company.export_tree: the subtree as JSON, CSV and Graphviz DOT text.

The tree is conftest's::

    root ─ ana ─ carla
         └ bruno
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

import downline
from conftest import Tree, person


def _walk(node: dict) -> list[dict]:
    """The JSON tree flattened in pre-order."""
    out = [node]
    for child in node["children"]:
        out.extend(_walk(child))
    return out


def test_json_round_trips_and_nests_as_the_tree(company, admin, tree: Tree):
    text = company.export_tree(admin, tree.root)
    assert isinstance(text, str)
    doc = json.loads(text)
    assert list(doc) == [
        "id", "external_id", "name", "parent", "level", "relative_level",
        "position", "type", "status", "path", "children",
    ]
    nodes = _walk(doc)
    assert [int(n["id"]) for n in nodes] == [tree.root, tree.ana, tree.carla, tree.bruno]
    assert [n["relative_level"] for n in nodes] == [0, 1, 2, 1]
    assert [n["external_id"] for n in nodes] == ["R", "A", "C", "B"]
    assert doc["parent"] is None
    assert nodes[2]["parent"] == str(tree.ana)
    assert nodes[2]["path"] == company.network_id(admin, tree.carla)
    assert nodes[1]["name"] == "Ana Tester"
    # the same members, in the same order, as downline()
    assert [int(n["id"]) for n in nodes[1:]] == [m.id for m in company.downline(admin, tree.root)]


def test_csv_parses_with_the_csv_module(company, admin, tree: Tree):
    zoe = person("Zoë", 'O"Neil, Jr.', external_id="Z", email="zoe@example.com")
    out = company.enroll(admin, {"sponsor": tree.bruno, "person": zoe})
    assert out.accepted, out.findings
    text = company.export_tree(admin, tree.root, format="csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["external_id"] for r in rows] == ["R", "A", "C", "B", "Z"]
    assert rows[-1]["name"] == 'Zoë O"Neil, Jr.'
    assert rows[-1]["path"] == f"{tree.root}.{tree.bruno}.{rows[-1]['id']}"
    assert rows[0]["parent"] == ""
    assert rows[2]["level"] == "2"


def test_dot_is_a_digraph_with_an_edge_per_link(company, admin, tree: Tree):
    text = company.export_tree(admin, tree.root, format="dot")
    assert text.startswith("digraph downline {")
    assert text.endswith("}\n")
    assert len(re.findall(r'^  "\d+" \[label=', text, re.M)) == 4
    assert len(re.findall(r'^  "\d+" -> "\d+";$', text, re.M)) == 3
    assert f'  "{tree.ana}" -> "{tree.carla}";' in text


def test_depth_and_network(company, admin, tree: Tree):
    alone = json.loads(company.export_tree(admin, tree.root, depth=0))
    assert alone["children"] == []
    direct = company.export_tree(admin, tree.root, depth=1, format="csv")
    assert len(direct.splitlines()) == 1 + 3
    referral = company.export_tree(admin, tree.root, network=downline.REFERRAL, format="csv")
    assert referral == company.export_tree(admin, tree.root, format="csv")


def test_same_tree_gives_the_same_text(company, admin, tree: Tree):
    for fmt in ("json", "csv", "dot"):
        assert company.export_tree(admin, tree.root, format=fmt) == company.export_tree(
            admin, tree.root, format=fmt
        )


def test_unknown_format_is_invalid_argument(company, admin, tree: Tree):
    with pytest.raises(downline.InvalidArgument) as info:
        company.export_tree(admin, tree.root, format="xml")
    assert info.value.field == "format"
    assert isinstance(info.value, ValueError)


def test_errors(company, admin, tree: Tree):
    with pytest.raises(downline.NotFound):
        company.export_tree(admin, 999)
    with pytest.raises(downline.NotFound) as info:
        company.export_tree(admin, tree.root, network="nope")
    assert info.value.field == "network"
    with pytest.raises(downline.PermissionDenied):
        company.export_tree(downline.Actor.of_person(tree.ana), tree.bruno)
    with pytest.raises(TypeError):
        company.export_tree(admin, "1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        company.export_tree(admin, tree.root, depth=1.5)  # type: ignore[arg-type]
