"""Does what the switches hold follow the path the controller reports? The intent view (REST) gives
each direction's path as nodes and directed links; the topology gives the links' ports; ovs-ofctl
gives the rules. A direction's rules follow its path when, on every switch of the path, a rule of the
intent takes traffic in on the port it arrives by and sends it out of the port towards the next switch
(or the host), and no rule of the intent sends traffic anywhere else. The intent's rules are its own
(its key as cookie: the ingress classifiers) and those of the tunnels it rides (shared with other
intents on the same paths: cookie TUNNEL_COOKIE_BASE + the tunnel's label)."""

from __future__ import annotations

from dataclasses import dataclass

from _switch_flows import all_outputs, first_outputs, flows, group_outputs
from scenario_kit import ScenarioContext


TUNNEL_COOKIE_BASE = 1 << 48


def intent_cookies(view: dict) -> list[int]:
    """The cookies of an intent's rules: its key, and its tunnels' (one per direction)."""
    labels = view.get("labels") or {}
    return [view["key"]] + [TUNNEL_COOKIE_BASE + labels[d] for d in ("forward", "reverse") if d in labels]


@dataclass(frozen=True)
class Hop:
    node: str
    in_port: int
    out_port: int


def hops_of(path: dict, links: dict[str, dict], src_port: int, dst_port: int) -> list[Hop]:
    """Switch hops of a path from the host port at its first switch to the host port at its last."""
    nodes, link_ids = path["nodes"], path["links"]
    hops = []
    for i, node in enumerate(nodes):
        in_port = src_port if i == 0 else links[link_ids[i - 1]]["dstPort"]
        out_port = dst_port if i == len(nodes) - 1 else links[link_ids[i]]["srcPort"]
        hops.append(Hop(node, in_port, out_port))
    return hops


def direction_hops(ctx: ScenarioContext, view: dict, links: dict[str, dict], src: str, dst: str,
                   which: str = "primary") -> list[Hop]:
    """Hops of both directions of an intent between endpoints `src` and `dst` on its primary (or
    backup) paths; the reverse direction runs from dst to src."""
    s, d = ctx.spec.host(src), ctx.spec.host(dst)
    paths = view.get("paths") or {}
    hops = hops_of(paths["forward"][which], links, s.port, d.port)
    if "reverse" in paths:
        hops += hops_of(paths["reverse"][which], links, d.port, s.port)
    return hops


def rules_follow(ctx: ScenarioContext, cookies: list[int], hops: list[Hop], strict: bool = True) -> tuple[bool, str]:
    """(ok, what was found). Every hop needs a rule of one of `cookies` from its in port to its out
    port (first live bucket for groups). With `strict`, no rule of the cookies may exist on switches
    off the hops, nor take traffic in or out on ports the hops do not use."""
    problems = []
    on_path = {h.node for h in hops}
    counts = []
    for switch in ctx.spec.switches:
        bridge = ctx.net.bridge(switch.id)
        rules = [r for c in cookies for r in flows(bridge, c)]
        counts.append(f"{switch.id}:{len(rules)}")
        if switch.id not in on_path:
            if strict and rules:
                problems.append(f"{len(rules)} rules on {switch.id}, which is off the path")
            continue
        groups = group_outputs(bridge)
        mine = [h for h in hops if h.node == switch.id]
        for h in mine:
            if not any(r.in_port == h.in_port and h.out_port in first_outputs(r, groups) for r in rules):
                problems.append(f"{switch.id}: no rule {h.in_port}->{h.out_port}")
        if strict:
            ins = {h.in_port for h in mine}
            outs = {h.out_port for h in mine}
            for r in rules:
                stray = (r.in_port is not None and r.in_port not in ins) or not all_outputs(r, groups) <= outs
                if stray:
                    problems.append(f"{switch.id}: stray rule in_port={r.in_port} -> {sorted(all_outputs(r, groups))}")
    found = "rules per switch " + " ".join(counts)
    return not problems, found + ("; " + "; ".join(problems[:4]) if problems else "")
