"""RFM segmentation from Python: the R rfm package's sample orders scored by
downline and, independently, by pandas following the package's algorithm
(type-7 quantiles plus one, bins [lower, upper)); the two agree on every
customer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import downline

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

FIXTURE = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "rfm" / "orders.csv"
ANALYSIS = dt.date(2006, 12, 31)


def orders():
    frame = pd.read_csv(FIXTURE, dtype={"revenue": str})
    return frame.rename(columns={"customer_id": "customer", "order_date": "date"})


def package_scores(frame, bins=5):
    """The rfm package's rfm_table_order, written with pandas."""
    frame = frame.assign(revenue=frame["revenue"].astype("int64"),
                         date=pd.to_datetime(frame["date"]))
    g = frame.groupby("customer").agg(last=("date", "max"), count=("date", "size"),
                                      amount=("revenue", "sum"))
    g["recency"] = (pd.Timestamp(ANALYSIS) - g["last"]).dt.days

    def score(values, reverse):
        cuts = list(np.quantile(values, [k / bins for k in range(1, bins)]) + 1)
        lower, upper = [values.min()] + cuts, cuts + [values.max() + 1]
        out = pd.Series(0, index=values.index)
        for i in range(bins):
            out[(values >= lower[i]) & (values < upper[i])] = bins - i if reverse else i + 1
        return out

    return (score(g["recency"], True) * 100 + score(g["count"], False) * 10
            + score(g["amount"], False))


def test_scores_match_the_package_written_in_pandas():
    frame = orders()
    result = downline.rfm(frame, ANALYSIS)
    rows = result["rows"]
    assert len(rows) == 995
    assert sum(r["transactions"] for r in rows) == 4906
    expected = package_scores(frame)
    ours = pd.Series({r["customer"]: r["rfm_score"] for r in rows})
    assert (ours.sort_index() == expected.sort_index()).all()
    # The README's first rows: Abbey O'Reilly 343, Aden Murphy 544.
    assert (rows[0]["customer"], rows[0]["rfm_score"]) == ("Abbey O'Reilly", 343)
    assert (rows[3]["customer"], rows[3]["rfm_score"]) == ("Aden Murphy", 544)
    assert rows[3]["most_recent"] == dt.date(2006, 9, 24)
    assert isinstance(rows[0]["amount"], Decimal)
    assert result["bins"]["monetary"][0]["score"] == 1


def test_segments_and_fixed_thresholds():
    result = downline.rfm(
        [{"customer": "ann", "date": "2006-12-20", "revenue": "900"},
         ("bob", dt.date(2006, 1, 2), 15), ("bob", "2006-02-02", Decimal("15.5"))],
        "2006-12-31",
        thresholds={"recency": [30], "frequency": [2], "monetary": ["100"]},
        segments=[{"name": "vip", "recency": [2, 2], "monetary": [2, 2]}])
    ann, bob = result["rows"]
    assert (ann["rfm_score"], ann["segment"]) == (212, "vip")
    assert (bob["rfm_score"], bob["segment"], bob["amount"]) == (121, "Others", Decimal("30.5"))
    with pytest.raises(downline.InvalidArgument) as e:
        downline.rfm([], "2006-12-31", bins={"recency": 12})
    assert e.value.field == "bins.recency"
    with pytest.raises(TypeError):
        downline.rfm([("x", "2006-01-01", 1.5)], "2006-12-31")
