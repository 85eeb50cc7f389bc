"""Controller-free forwarding for checking the emulated network itself.

Installs "pipe" flows along one path between two endpoints: on every switch of the
path, whatever enters on the port towards one endpoint leaves on the port towards the
other, and back. That carries ARP and IP alike without learning and without the
broadcast storms a NORMAL (flooding) rule would cause on a topology with loops. The
flows carry a cookie of their own so removing them touches nothing else.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

import networkx as nx

from topology_spec import TopologySpec

PIPE_COOKIE = 0x5D0E
PIPE_PRIORITY = 40000


@dataclass(frozen=True)
class Hop:
    switch: str
    in_port: int  # port towards the first endpoint
    out_port: int  # port towards the second endpoint


@dataclass(frozen=True)
class StaticPath:
    hops: tuple[Hop, ...]
    cables: tuple[str, ...]
    one_way_ms: float  # sum of the emulated cable delays


def cable_graph(spec: TopologySpec) -> nx.MultiGraph:
    g = nx.MultiGraph()
    g.add_nodes_from(s.id for s in spec.switches)
    for c in spec.cables:
        g.add_edge(c.a_node, c.b_node, key=c.id, latency=c.latency_ms,
                   ports={c.a_node: c.a_port, c.b_node: c.b_port})
    return g


def plan_path(spec: TopologySpec, src_host: str, dst_host: str, via_cables: list[str] | None = None) -> StaticPath:
    """The latency-shortest path between two endpoints, or the one through exactly
    `via_cables` (in order from src to dst) when given."""
    src, dst = spec.host(src_host), spec.host(dst_host)
    g = cable_graph(spec)
    if via_cables is None:
        nodes = nx.shortest_path(g, src.node, dst.node, weight=lambda u, v, d: min(e["latency"] for e in d.values()))
        via_cables = []
        for u, v in zip(nodes, nodes[1:]):
            edges = g.get_edge_data(u, v)
            via_cables.append(min(edges, key=lambda k: edges[k]["latency"]))
    hops = []
    here, in_port, total = src.node, src.port, 0.0
    for cid in via_cables:
        c = spec.cable(cid)
        if here == c.a_node:
            out_port, nxt, nxt_port = c.a_port, c.b_node, c.b_port
        elif here == c.b_node:
            out_port, nxt, nxt_port = c.b_port, c.a_node, c.a_port
        else:
            raise ValueError(f"cable {cid} does not touch {here}")
        hops.append(Hop(here, in_port, out_port))
        here, in_port, total = nxt, nxt_port, total + c.latency_ms
    if here != dst.node:
        raise ValueError(f"path ends at {here}, but {dst_host} is attached to {dst.node}")
    hops.append(Hop(here, in_port, dst.port))
    return StaticPath(tuple(hops), tuple(via_cables), total)


def _ofctl(*args: str) -> None:
    res = subprocess.run(["ovs-ofctl", "-O", "OpenFlow13", *args], capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"ovs-ofctl {' '.join(args)}: {res.stderr.strip()}")


def install_path(bridge_of: dict[str, str], path: StaticPath) -> None:
    for hop in path.hops:
        br = bridge_of[hop.switch]
        for a, b in ((hop.in_port, hop.out_port), (hop.out_port, hop.in_port)):
            _ofctl("add-flow", br,
                   f"cookie={PIPE_COOKIE:#x},priority={PIPE_PRIORITY},in_port={a},actions=output:{b}")


def remove_paths(bridge_of: dict[str, str]) -> None:
    """Removes every pipe flow (and only those) from the given bridges."""
    for br in bridge_of.values():
        _ofctl("del-flows", br, f"cookie={PIPE_COOKIE:#x}/-1")
