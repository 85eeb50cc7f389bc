#!/usr/bin/env python3
"""Single-source Dijkstra baselines: networkx (pure Python) and igraph (C core).

Usage: single_source.py FILE REPEAT SOURCE...   FILE: "n m" then m lines "u v w" (directed, 0-based).
Prints one JSON line: {"networkx": {"medianMs": ..}, "igraph": {"medianMs": ..}}; a library that is not
installed is reported as null.
"""
import json
import statistics
import sys
import time


def load(path):
    with open(path) as f:
        n, m = map(int, f.readline().split())
        edges = []
        for _ in range(m):
            u, v, w = f.readline().split()
            edges.append((int(u), int(v), float(w)))
    return n, edges


def timed(fn, sources, repeat):
    times = []
    for s in sources:
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn(s)
            times.append((time.perf_counter() - t0) * 1000)
    return {"medianMs": statistics.median(times)}


def main():
    path, repeat, sources = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]]
    n, edges = load(path)
    out = {"networkx": None, "igraph": None}
    try:
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        g.add_weighted_edges_from(edges)
        out["networkx"] = timed(lambda s: nx.single_source_dijkstra_path_length(g, s), sources, repeat)
    except ImportError:
        pass
    try:
        import igraph as ig

        g = ig.Graph(n=n, edges=[(u, v) for u, v, _ in edges], directed=True)
        g.es["w"] = [w for _, _, w in edges]
        out["igraph"] = timed(lambda s: g.distances(source=[s], weights="w"), sources, repeat)
    except ImportError:
        pass
    print(json.dumps(out))


main()
