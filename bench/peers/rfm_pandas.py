#!/usr/bin/python3
"""The peer of bench/rfm_bench.cpp: RFM scores in pandas, as an analyst
would write the R rfm package's rfm_table_order (groupby, numpy's type-7
quantiles plus one, bins [lower, upper); recency scores reversed).

Reads a CSV of transactions (customer, day, revenue: day as days since
1970-01-01, revenue in integer cents), scores with 5 bins per measure at
the given analysis day, and prints one JSON line: the read time, the
computation time (seconds; once cold, then the median of RUNS warm runs)
and checksums of the scores the C++ side compares with its own.
Usage: rfm_pandas.py TRANSACTIONS.csv ANALYSIS_DAY [RUNS (default 3)]
"""

import json
import statistics
import sys
import time

BINS = 5


def score(values, reverse):
    cuts = np.quantile(values, [k / BINS for k in range(1, BINS)]) + 1
    lower = np.concatenate(([values.min()], cuts))
    upper = np.concatenate((cuts, [values.max() + 1]))
    out = np.zeros(len(values), dtype=np.int64)
    for i in range(BINS):
        out[(values >= lower[i]) & (values < upper[i])] = BINS - i if reverse else i + 1
    return out


def compute(df, today):
    g = df.groupby("customer", sort=True).agg(last=("day", "max"), count=("day", "size"),
                                              amount=("revenue", "sum"))
    recency = (today - g["last"]).to_numpy()
    # Cents to currency units, as the library's decimals hold them.
    amount = g["amount"].to_numpy() / 100
    r = score(recency, True)
    f = score(g["count"].to_numpy(), False)
    m = score(amount, False)
    return g.index.to_numpy(), r * 100 + f * 10 + m


def main():
    path, today = sys.argv[1], int(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    start = time.perf_counter()
    df = pd.read_csv(path, dtype={"customer": str, "day": np.int64, "revenue": np.int64})
    read = time.perf_counter() - start
    seconds = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        customers, scores = compute(df, today)
        seconds.append(time.perf_counter() - start)
    weight = np.arange(len(scores), dtype=np.int64) % 1000 + 1
    print(json.dumps({
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "customers": len(scores),
        "read_seconds": read,
        "cold_seconds": seconds[0],
        "compute_seconds": statistics.median(seconds[1:]),
        "score_sum": int(scores.sum()),
        "score_check": int((scores * weight).sum()),
    }))


if __name__ == "__main__":
    try:
        import numpy as np
        import pandas as pd
    except ImportError as e:
        print(json.dumps({"error": f"pandas is not importable by {sys.executable}: {e}",
                          "missing": True}))
        sys.exit(3)
    main()
