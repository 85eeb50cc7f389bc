"""An intent with a latency bound that only the long-but-fast route meets is installed on that route:
between the endpoints behind the ends of the short-but-slow cable (20 ms) and the three-hop route
(3 x 2 ms), an intent asking for the fewest hops but at most 10 ms one way must take the three hops.
The ping round trip stays within twice the bound and matches twice the path's latency (over the
switches' own cost, measured on the same path with its delays at 0 ms), and the switches' rules
(ovs-ofctl dump-flows) follow the path in both directions: rules with the intent's cookie on every
switch of the path, none elsewhere, none towards the short route."""

from __future__ import annotations

import math
import statistics

from _intents import IntentSession, cables_of, path_text, run_with_intents, topology_links
from _path_rules import direction_hops, intent_cookies, rules_follow
from scenario_kit import Check, ScenarioContext, ping_rtts

NAME = "latency-bound"
DESCRIPTION = __doc__
NEEDS_CONTROLLER = True
ORDER = 20

SRC, DST = "h1", "h3"  # behind s1 (Lyon) and s5 (Frankfurt)
MAX_LATENCY_MS = 10.0
SHORT_CABLE = "lyon-fra-direct"
RTT_TOL_MS = 1.0  # +-0.5 ms each way, as for the network itself (emulated-paths)
# The path latency the controller reports sums its measurements of each directed link (LLDP, see the
# discovery scenario), each a little off: a share of that error per link of the path on top.
PER_LINK_TOL_MS = 0.1
PINGS = 50
BOUND_PINGS = 200


def run(ctx: ScenarioContext) -> list[Check]:
    return run_with_intents(ctx, _scenario)


def _scenario(ctx: ScenarioContext, session: IntentSession) -> list[Check]:
    checks = []
    src_node, dst_node = ctx.spec.host(SRC).node, ctx.spec.host(DST).node
    # Without the bound, the fewest hops is the short cable: the bound is what decides.
    status, dry = ctx.api.request("POST", "/api/v1/paths/compute",
                                  {"src": src_node, "dst": dst_node, "objective": "hops"})
    unbounded = dry.get("primary") if status == 200 and isinstance(dry, dict) else None
    checks.append(Check("without the bound the fewest-hops path is the short cable",
                        unbounded is not None and cables_of(unbounded) == [SHORT_CABLE],
                        path_text(unbounded) if unbounded else f"{status} {dry}",
                        f"{src_node}-{dst_node} over {SHORT_CABLE}"))

    created = session.create({"endpoints": {"src": SRC, "dst": DST}, "bandwidthMbps": 5,
                              "maxLatencyMs": MAX_LATENCY_MS, "objective": "hops"})
    view = session.settled(created)
    installed = view is not None and view["state"] == "installed"
    checks.append(Check(f"intent {SRC}->{DST} maxLatencyMs {MAX_LATENCY_MS:g} installed",
                        installed, created.describe() if view is None else f"{view['state']} "
                        f"{view.get('reason', {}).get('message', '')}".strip(), "state installed"))
    if not installed:
        return checks
    fwd = view["paths"]["forward"]["primary"]
    rev = view["paths"].get("reverse", {}).get("primary")
    long_route = SHORT_CABLE not in cables_of(fwd) and (rev is None or SHORT_CABLE not in cables_of(rev))
    checks.append(Check("path meets the bound on the long route", long_route and fwd["latencyMs"] <= MAX_LATENCY_MS,
                        f"forward {path_text(fwd)}, reverse {path_text(rev)}",
                        f"<= {MAX_LATENCY_MS:g} ms, not over {SHORT_CABLE}"))

    links = topology_links(ctx)
    cookies = intent_cookies(view)
    ok, found = rules_follow(ctx, cookies, direction_hops(ctx, view, links, SRC, DST))
    checks.append(Check("switch rules follow the path (ovs-ofctl)", ok, found,
                        f"cookies {', '.join(f'{c:#x}' for c in cookies)} on {'-'.join(fwd['nodes'])} only, "
                        "towards the path's ports"))

    host = ctx.net.host(SRC)
    dst_ip = ctx.spec.host(DST).ip
    ping_rtts(host, dst_ip, count=3)  # ARP
    rtts = ping_rtts(host, dst_ip, count=BOUND_PINGS, interval_s=0.01)
    bound_rtt = 2 * MAX_LATENCY_MS
    # The bound is checked on the 99th percentile: all of the data path (userspace switches, relays, ping)
    # shares two cores with the rest of the emulation, and one reply in a hundred delayed by the host's
    # scheduler says nothing about the path the controller chose. The maximum is reported alongside.
    p99 = sorted(rtts)[max(0, math.ceil(0.99 * len(rtts)) - 1)] if rtts else float("nan")
    checks.append(Check("ping RTT within twice the one-way bound",
                        len(rtts) == BOUND_PINGS and p99 <= bound_rtt,
                        f"{len(rtts)}/{BOUND_PINGS} replies, p99 {p99:.2f} ms, max {max(rtts, default=float('nan')):.2f} ms, "
                        f"median {statistics.median(rtts) if rtts else float('nan'):.2f} ms",
                        f"all replies, p99 <= {bound_rtt:g} ms"))

    # The switches' own share of the RTT: the same path with its relays at 0 ms.
    cables = set(cables_of(fwd)) | set(cables_of(rev) if rev else [])
    try:
        for c in cables:
            ctx.net.set_delay(c, 0)
        base = ping_rtts(host, dst_ip, count=PINGS, interval_s=0.02)
    finally:
        for c in cables:
            ctx.net.set_delay(c, ctx.spec.cable(c).latency_ms)
    expected = fwd["latencyMs"] + (rev["latencyMs"] if rev else fwd["latencyMs"])
    links = len(fwd["links"]) + len(rev["links"] if rev else fwd["links"])
    tol = RTT_TOL_MS + PER_LINK_TOL_MS * links
    if rtts and base:
        added = min(rtts) - min(base)
        configured = sum(ctx.spec.cable(c).latency_ms for c in cables_of(fwd)) + \
            sum(ctx.spec.cable(c).latency_ms for c in cables_of(rev or fwd))
        checks.append(Check("ping RTT matches the path's latency", abs(added - expected) <= tol,
                            f"min {min(rtts):.2f} ms = switches {min(base):.2f} + delays {added:.2f} ms "
                            f"(cables emulate {configured:g} ms)",
                            f"path latency forward + reverse {expected:.2f} +- {tol:g} ms ({links} links)"))
    else:
        checks.append(Check("ping RTT matches the path's latency", False, "no replies", f"{expected:.2f} ms"))
    return checks
