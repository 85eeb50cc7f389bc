#!/usr/bin/env python3
"""Golden data for the path engine, computed by networkx (an independent implementation).

Generates a seeded geometric WAN graph (random points in a unit square, each node cabled to its nearest
neighbours, latency from distance) and records, for a few sources and pairs:
  - single-source Dijkstra latencies (nx.single_source_dijkstra_path_length),
  - point-to-point least latency and least cost (nx.dijkstra_path_length),
  - the k=5 shortest loopless path weights (nx.shortest_simple_paths, Yen),
  - the minimum total latency of two link-disjoint and of two node-disjoint paths (min-cost flow of value 2,
    node-disjoint via node splitting).
Run:  /usr/bin/python3 scripts/gen-path-golden.py > test/unit/path/fixtures/networkx-golden.json
"""
import itertools
import json
import math
import random

import networkx as nx

SEED = 20240611
N = 200
NEIGHBOURS = 3

rng = random.Random(SEED)
pts = [(rng.random(), rng.random()) for _ in range(N)]
cables = set()
for i, (x, y) in enumerate(pts):
    near = sorted(range(N), key=lambda j: (pts[j][0] - x) ** 2 + (pts[j][1] - y) ** 2)[1 : NEIGHBOURS + 1]
    for j in near:
        cables.add((min(i, j), max(i, j)))

nodes = [{"id": f"n{i}", "provider": f"p{i % 3}", "jurisdiction": "DE"} for i in range(N)]
links = []
G = nx.DiGraph()
for k, (a, b) in enumerate(sorted(cables)):
    dist = math.dist(pts[a], pts[b])
    latency = round(0.2 + dist * 20, 3)  # ms
    cost = rng.randint(1, 20)
    for tag, s, d in (("a", a, b), ("b", b, a)):
        links.append({"id": f"c{k}.{tag}", "cable": f"c{k}", "src": f"n{s}", "dst": f"n{d}", "latencyMs": latency, "cost": cost})
        G.add_edge(f"n{s}", f"n{d}", latency=latency, cost=cost)


def min_pair(graph, s, t):
    """Minimum total latency of two edge-disjoint s->t paths, or None."""
    h = nx.DiGraph()
    for u, v, d in graph.edges(data=True):
        h.add_edge(u, v, capacity=1, weight=round(d["latency"] * 1000))
    h.nodes[s]["demand"] = -2
    h.nodes[t]["demand"] = 2
    try:
        flow = nx.min_cost_flow(h)
    except nx.NetworkXUnfeasible:
        return None
    return sum(graph[u][v]["latency"] for u in flow for v, f in flow[u].items() if f > 0)


def split_nodes(graph, s, t):
    h = nx.DiGraph()
    for v in graph.nodes:
        if v not in (s, t):
            h.add_edge(f"{v}/in", f"{v}/out", latency=0.0)
    name_in = lambda v: v if v in (s, t) else f"{v}/in"
    name_out = lambda v: v if v in (s, t) else f"{v}/out"
    for u, v, d in graph.edges(data=True):
        h.add_edge(name_out(u), name_in(v), latency=d["latency"])
    return h


sources = [f"n{i}" for i in rng.sample(range(N), 3)]
pairs = [(f"n{a}", f"n{b}") for a, b in (rng.sample(range(N), 2) for _ in range(12))]
golden = {"generator": "networkx " + nx.__version__, "nodes": nodes, "links": links, "singleSource": {}, "pairs": []}
for s in sources:
    golden["singleSource"][s] = {v: round(d, 9) for v, d in nx.single_source_dijkstra_path_length(G, s, weight="latency").items()}
for s, t in pairs:
    k5 = [round(nx.path_weight(G, p, "latency"), 9) for p in itertools.islice(nx.shortest_simple_paths(G, s, t, weight="latency"), 5)]
    link_pair = min_pair(G, s, t)
    node_pair = min_pair(split_nodes(G, s, t), s, t)
    golden["pairs"].append(
        {
            "src": s,
            "dst": t,
            "latencyMs": round(nx.dijkstra_path_length(G, s, t, weight="latency"), 9),
            "cost": nx.dijkstra_path_length(G, s, t, weight="cost"),
            "k5LatencyMs": k5,
            "linkDisjointTotalMs": None if link_pair is None else round(link_pair, 9),
            "nodeDisjointTotalMs": None if node_pair is None else round(node_pair, 9),
        }
    )
print(json.dumps(golden, separators=(",", ":")))
