#!/usr/bin/python3
"""The peer of bench/recalc_bench.cpp: the network recalculation in pandas.

Reads a CSV of the tree (columns node, parent, pv: node numbers 0..n-1 in
order, parent -1 for a network parent, pv in integer micro-units) and
computes, as an analyst would with pandas and numpy (vectorised, one step
per level of the tree, never a Python loop over persons):

* the group volume of every person: own PV plus the PV of the whole
  downline, added up from the deepest level to the top;
* the number of persons at relative levels 1, 2 and 3 below every person.

Prints one JSON line: the read time and the computation time (seconds, wall
clock, measured apart; the computation once cold, then the median of RUNS
warm runs), and checksums of the results that the C++ side compares with
its own. Usage: recalc_pandas.py TREE.csv [RUNS (default 3)]
"""

import json
import statistics
import sys
import time

LEVELS = 3


def compute(df):
    """Group volumes and per-level counts of `df`, as numpy int64 arrays."""
    n = len(df)
    parent = df["parent"].to_numpy()
    pv = df["pv"].to_numpy()

    # Ancestors one, two and three levels up. Index -1 of `up` is the -1
    # appended at the end, so a network parent's ancestors stay -1.
    up = np.append(parent, -1)
    ancestors = [parent]
    for _ in range(LEVELS - 1):
        ancestors.append(up[ancestors[-1]])
    # Persons at relative level L below each person: how many have them as
    # their L-th ancestor. (bincount: 6x faster here than value_counts.)
    level_counts = [np.bincount(a[a >= 0], minlength=n) for a in ancestors]

    # Depth of every person by pointer jumping: depth[x] is the distance from
    # x to jump[x] (to its network parent once jump[x] is -1); each round
    # doubles it, so a tree of depth D takes about log2(D) rounds.
    depth = (parent >= 0).astype(np.int64)
    jump = parent.copy()
    while True:
        live = np.flatnonzero(jump >= 0)
        if live.size == 0:
            break
        target = jump[live]
        depth[live] += depth[target]
        jump[live] = jump[target]

    # Group volume, deepest level first: a level's group volumes are final
    # when they are added to their parents. np.add.at keeps int64 exact
    # (bincount's weights are float64) and was faster here than a groupby
    # sum per level.
    gv = pv.copy()
    order = np.argsort(depth, kind="stable")
    bounds = np.searchsorted(depth[order], np.arange(depth.max() + 2))
    for d in range(depth.max(), 0, -1):
        rows = order[bounds[d]:bounds[d + 1]]
        np.add.at(gv, parent[rows], gv[rows])
    return gv, level_counts


def checksums(gv, level_counts):
    """The figures the C++ side compares: sums, and sums weighted by node so
    that a figure on the wrong person shows."""
    weight = np.arange(len(gv), dtype=np.int64) % 1000 + 1
    return {
        "gv_sum": int(gv.sum()),
        "gv_check": int(((gv % 1_000_003) * weight).sum()),
        "level_sums": [int(c.sum()) for c in level_counts],
        "level_check": int(sum((c * weight).sum() * (i + 1) for i, c in enumerate(level_counts))),
    }


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    start = time.perf_counter()
    df = pd.read_csv(path, dtype={"node": np.int64, "parent": np.int64, "pv": np.int64})
    read = time.perf_counter() - start
    if not (df["node"].to_numpy() == np.arange(len(df))).all():
        raise ValueError("nodes must be numbered 0..n-1 in order")
    # The first computation pays for fresh memory (page faults); the timed
    # ones after it find the allocator warm, like the C++ side's passes.
    seconds = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        gv, level_counts = compute(df)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "persons": len(df),
        "read_seconds": read,
        "cold_seconds": seconds[0],
        "compute_seconds": statistics.median(seconds[1:]),
        "runs_seconds": seconds[1:],
        **checksums(gv, level_counts),
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
