"""Enroll a small sponsor tree and look at it, from Python.

    PYTHONPATH=build/python/pkg python3 examples/script.py examples/demo-company.json

The company lives in a temporary SQLite file; the configuration file is the
first argument.
"""

import pathlib
import sys
import tempfile

import downline


def main(config_path: str) -> int:
    config = pathlib.Path(config_path)
    admin = downline.Actor.staff("backend", ["admin"])

    with tempfile.TemporaryDirectory() as tmp:
        with downline.open(f"sqlite:{tmp}/acme.db", config) as company:
            # The first person has no sponsor: the top of the sponsor network.
            # Requests come through the company's backend channel and accept
            # its terms; see the configuration.
            terms = {"channel": "backend", "accepted_contracts": [{"contract": "terms", "version": 1}]}
            out = company.enroll(admin, {
                "person": {"external_id": "E-1", "first_name": "Lucia",
                           "last_name": "Gomez", "email": "lucia@example.com",
                           "extended": {"favorite_line": "skin"}},
                **terms,
            })
            assert out.accepted and out.person is not None, out.findings
            lucia = out.person  # an int; None only when rejected

            # Many at once, in one transaction; a sponsor may be named by the
            # external id of an earlier request in the same call.
            team = company.enroll_many(admin, [
                {**terms, "sponsor": lucia, "person": {"external_id": "E-2", "first_name": "Marco",
                                              "last_name": "Diaz", "email": "marco@example.com"}},
                {**terms, "sponsor": lucia, "person": {"external_id": "E-3", "first_name": "Nora",
                                              "last_name": "Paz", "email": "nora@example.com"}},
                {**terms, "sponsor_external_id": "E-2",
                 "person": {"external_id": "E-4", "first_name": "Omar",
                            "last_name": "Rey", "email": "omar@example.com"}},
            ])
            assert team.accepted, team.findings
            marco, nora, omar = team.persons

            # A rejected enrollment is data, not an exception: every finding at once.
            rejected = company.enroll(admin, {**terms, "sponsor": nora,
                                              "person": {"first_name": "Pia", "email": "pia@"}})
            print("rejected:", [(f.field, f.reason) for f in rejected.findings])

            print(f"downline of Lucia ({lucia}):")
            page = company.downline(admin, lucia)
            for m in page:
                name = company.person(admin, m.id).data.first_name
                print(f"  {'  ' * (m.relative_level - 1)}{name} (id {m.id}, level {m.level})")
            print("total:", page.total, "per level:", company.level_counts(admin, lucia))

            p = company.person(admin, omar)
            print(f"{p.data.first_name} {p.data.last_name}: {p.type}, {p.status}, "
                  f"sponsor {p.sponsor}, enrolled at {p.enrolled_at.isoformat()}")
            print("network id:", company.network_id(admin, omar))
            print("upline:", [m.id for m in company.upline(admin, omar)])

            # A consultant sees only their own downline.
            as_nora = downline.Actor.of_person(nora)
            try:
                company.person(as_nora, marco)
            except downline.PermissionDenied as e:
                print("as Nora:", e.code, e.field)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
