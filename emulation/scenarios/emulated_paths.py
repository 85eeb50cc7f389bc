"""The emulated network itself, before any controller: on static pipe flows along the
shortest and the second path between two endpoints, the round trip grows by twice the
configured cable delays (+-0.5 ms each way) over the switches' own cost, TCP reaches the path's bottleneck capacity (htb), and a cut
cable stops traffic until it is restored. Validates the foundation the other scenarios
stand on."""

from __future__ import annotations

import json
import statistics
import time

import networkx as nx

from scenario_kit import Check, ScenarioContext, ping_rtts
from static_paths import install_path, plan_path, remove_paths

NAME = "emulated-paths"
DESCRIPTION = __doc__
NEEDS_CONTROLLER = False

RTT_TOL_MS = 1.0  # +-0.5 ms in each direction
IPERF_SECONDS = 3
PROMISED_MBPS = 50.0  # the relay holds its delay without loss up to this rate (emulation/README.md)


def _second_path_cables(ctx: ScenarioContext, src: str, dst: str, first: tuple[str, ...]) -> list[str] | None:
    """Cables of the latency-shortest path that differs from the first, if any."""
    spec = ctx.spec
    g = nx.Graph()
    for c in spec.cables:
        if not g.has_edge(c.a_node, c.b_node) or g[c.a_node][c.b_node]["latency"] > c.latency_ms:
            g.add_edge(c.a_node, c.b_node, latency=c.latency_ms, cable=c.id)
    paths = nx.shortest_simple_paths(g, spec.host(src).node, spec.host(dst).node, weight="latency")
    for nodes in paths:
        cables = [g[u][v]["cable"] for u, v in zip(nodes, nodes[1:])]
        if tuple(cables) != first:
            return cables
    return None


def _tcp_mbps(ctx: ScenarioContext, src: str, dst: str) -> float:
    server = ctx.net.host(dst).popen(["iperf3", "-s", "-1", "-p", "5201"])
    try:
        time.sleep(0.3)
        out = ctx.net.host(src).cmd(
            f"iperf3 -c {ctx.spec.host(dst).ip} -p 5201 -t {IPERF_SECONDS} -J")
        return json.loads(out)["end"]["sum_received"]["bits_per_second"] / 1e6
    finally:
        server.wait(timeout=10)


def _check_path(ctx: ScenarioContext, src: str, dst: str, cables: list[str] | None, label: str) -> list[Check]:
    spec, net = ctx.spec, ctx.net
    path = plan_path(spec, src, dst, cables)
    remove_paths(net.bridge_of)
    install_path(net.bridge_of, path)
    dst_ip = spec.host(dst).ip
    host = net.host(src)
    ping_rtts(host, dst_ip, count=3)  # ARP
    # The relays' share of the RTT: the path measured with all its delays at 0 ms is the
    # switches' own cost, which the emulated delays come on top of.
    for cid in path.cables:
        net.set_delay(cid, 0)
    base = ping_rtts(host, dst_ip, count=30, interval_s=0.03)
    for cid in path.cables:
        net.set_delay(cid, spec.cable(cid).latency_ms)
    rtts = ping_rtts(host, dst_ip, count=30, interval_s=0.03)
    checks = []
    expected = 2 * path.one_way_ms
    ok = len(base) == 30 and len(rtts) == 30
    # Minima: the fixed part of each RTT, free of the scheduling noise a shared machine adds.
    added = min(rtts) - min(base) if ok else float("nan")
    checks.append(Check(
        f"{label} RTT {src}->{dst} via {'+'.join(path.cables)}", ok and abs(added - expected) <= RTT_TOL_MS,
        f"min {min(rtts) if rtts else float('nan'):.2f} ms = switches {min(base) if base else float('nan'):.2f}"
        f" + delays {added:.2f} ms (median {statistics.median(rtts) if rtts else float('nan'):.2f})",
        f"delays {expected:.2f} +- {RTT_TOL_MS} ms"))
    bottleneck = min(spec.cable(c).capacity_mbps for c in path.cables)
    mbps = _tcp_mbps(ctx, src, dst)
    # Above the rate the emulation promises, a shared machine's CPU rather than htb may
    # be the limit: then only the promised rate must be reached.
    floor = 0.85 * min(bottleneck, PROMISED_MBPS / 0.85)
    checks.append(Check(f"{label} TCP throughput", floor <= mbps <= 1.05 * bottleneck,
                        f"{mbps:.1f} Mbit/s", f"{floor:g}..{1.05 * bottleneck:g} Mbit/s (htb at {bottleneck:g})"))
    # Cut the first cable of the path both ways, then restore it.
    cut = path.cables[0]
    net.cut(cut)
    lost = ping_rtts(host, dst_ip, count=5, interval_s=0.1)
    net.restore(cut)
    t0 = time.monotonic()
    back = ctx.wait_for(lambda: ping_rtts(host, dst_ip, count=1), timeout_s=5, interval_s=0.05)
    recovery_ms = (time.monotonic() - t0) * 1000
    checks.append(Check(f"{label} cut {cut} stops traffic, restore resumes it", not lost and bool(back),
                        f"{len(lost)}/5 replies while cut; reply {recovery_ms:.0f} ms after restore",
                        "0 replies while cut; replies after restore"))
    remove_paths(net.bridge_of)
    return checks


def run(ctx: ScenarioContext) -> list[Check]:
    hosts = [h.id for h in ctx.spec.hosts]
    if len(hosts) < 2:
        return [Check("topology has two endpoints", False, f"{len(hosts)} endpoints", ">= 2")]
    src, dst = hosts[0], hosts[1]
    first = plan_path(ctx.spec, src, dst)
    checks = _check_path(ctx, src, dst, list(first.cables), "shortest path")
    second = _second_path_cables(ctx, src, dst, first.cables)
    if second is not None:
        checks += _check_path(ctx, src, dst, second, "second path")
    return checks
