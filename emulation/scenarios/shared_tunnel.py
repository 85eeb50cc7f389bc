"""Two intents between the same hosts on the same paths ride one label-switched tunnel: ICMP and TCP
from h1 (Lyon) to h3 (Frankfurt), each with its own bandwidth. Both get the same labels and their own
meters; the transit switches hold one rule per direction for the tunnel (ovs-ofctl), not one per
intent; ping and an iperf3 TCP transfer are both carried. Withdrawing the ICMP intent stops the pings
and leaves the TCP intent and the tunnel working; withdrawing the TCP intent leaves no rule of either
intent or of the tunnel on any switch."""

from __future__ import annotations

import json
import subprocess

from _intents import IntentSession, path_text, run_with_intents, topology_links
from _path_rules import TUNNEL_COOKIE_BASE, direction_hops, intent_cookies, rules_follow
from _switch_flows import flows
from scenario_kit import Check, ScenarioContext, ping_rtts

NAME = "shared-tunnel"
DESCRIPTION = __doc__
NEEDS_CONTROLLER = True
ORDER = 35

SRC, DST = "h1", "h3"
ICMP_MBPS, TCP_MBPS = 2.0, 8.0
TCP_PORT = 5411
TCP_SECONDS = 2
MIN_TCP_SHARE = 0.5  # TCP through its ingress meter reaches at least this share of its reservation


def run(ctx: ScenarioContext) -> list[Check]:
    return run_with_intents(ctx, _scenario)


def _tcp_mbps(ctx: ScenarioContext, seconds: float) -> tuple[float | None, str]:
    """iperf3 TCP from SRC to DST: (received Mbit/s, '') or (None, why)."""
    src, dst = ctx.net.host(SRC), ctx.net.host(DST)
    server = dst.popen(["iperf3", "-s", "-1", "-p", str(TCP_PORT)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        out = src.cmd(f"sleep 0.3; iperf3 -c {ctx.spec.host(DST).ip} -p {TCP_PORT} -t {seconds:g} -J --connect-timeout 2000")
        try:
            doc = json.loads(out[out.index("{"):])
        except ValueError:
            return None, f"iperf3: {out.strip()[:120]!r}"
        if "error" in doc:
            return None, f"iperf3: {doc['error']}"
        return doc["end"]["sum_received"]["bits_per_second"] / 1e6, ""
    finally:
        try:
            server.wait(timeout=3)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=3)


def _tunnel_rules(ctx: ScenarioContext, label: int, switches: list[str]) -> dict[str, int]:
    return {s: len(flows(ctx.net.bridge(s), TUNNEL_COOKIE_BASE + label)) for s in switches}


def _scenario(ctx: ScenarioContext, session: IntentSession) -> list[Check]:
    checks = []
    icmp = session.create({"endpoints": {"src": SRC, "dst": DST}, "bandwidthMbps": ICMP_MBPS, "match": {"ipProto": 1}})
    tcp = session.create({"endpoints": {"src": SRC, "dst": DST}, "bandwidthMbps": TCP_MBPS, "match": {"ipProto": 6}})
    views = [session.settled(icmp), session.settled(tcp)]
    installed = all(v is not None and v["state"] == "installed" for v in views)
    checks.append(Check(f"ICMP and TCP intents {SRC}->{DST} installed", installed,
                        f"{icmp.describe()}, {tcp.describe()}", "both installed"))
    if not installed:
        return checks
    a, b = views
    la, lb = a["labels"], b["labels"]
    shared = (la["forward"], la.get("reverse")) == (lb["forward"], lb.get("reverse"))
    own_meters = la.get("forwardMeter") != lb.get("forwardMeter")
    checks.append(Check("one tunnel, two meters", shared and own_meters,
                        f"labels {la} / {lb}", "same forward and reverse labels, different meter ids"))

    fwd = a["paths"]["forward"]["primary"]
    transit = fwd["nodes"][1:-1]
    per_switch = {d: _tunnel_rules(ctx, la[d], transit) for d in ("forward", "reverse")}
    one_each = bool(transit) and all(n == 1 for counts in per_switch.values() for n in counts.values())
    cookies = sorted(set(intent_cookies(a)) | set(intent_cookies(b)))
    follows, found = rules_follow(ctx, cookies, direction_hops(ctx, a, topology_links(ctx), SRC, DST))
    checks.append(Check("transit switches hold one tunnel rule per direction (ovs-ofctl)", one_each and follows,
                        f"path {path_text(fwd)}; forward {per_switch['forward']}, reverse {per_switch['reverse']}; {found}",
                        "1 rule per direction on every transit switch, rules along the path"))

    dst_ip = ctx.spec.host(DST).ip
    pings = ping_rtts(ctx.net.host(SRC), dst_ip, count=10, interval_s=0.05)
    mbps, why = _tcp_mbps(ctx, TCP_SECONDS)
    carried = len(pings) >= 9 and mbps is not None and mbps >= MIN_TCP_SHARE * TCP_MBPS
    checks.append(Check("both intents carried", carried,
                        f"ping {len(pings)}/10 replies; TCP " + (f"{mbps:.2f} Mbit/s" if mbps is not None else why),
                        f">= 9/10 replies; TCP >= {MIN_TCP_SHARE:.0%} of {TCP_MBPS:g} Mbit/s"))

    session.withdraw(icmp.id)
    pings = ping_rtts(ctx.net.host(SRC), dst_ip, count=5, interval_s=0.1)
    mbps, why = _tcp_mbps(ctx, 1)
    left = {d: _tunnel_rules(ctx, lb[d], transit) for d in ("forward", "reverse")}
    kept = not pings and mbps is not None and mbps > 0 and all(n == 1 for c in left.values() for n in c.values())
    checks.append(Check("ICMP intent withdrawn: pings stop, TCP and the tunnel stay", kept,
                        f"ping {len(pings)}/5 replies; TCP " + (f"{mbps:.2f} Mbit/s" if mbps is not None else why)
                        + f"; tunnel rules {left}", "0 replies, TCP flows, 1 tunnel rule per direction"))

    session.withdraw(tcp.id)
    remaining = {s.id: sum(len(flows(ctx.net.bridge(s.id), c)) for c in cookies) for s in ctx.spec.switches}
    checks.append(Check("last intent withdrawn: no rule of the intents or the tunnel left",
                        not any(remaining.values()), f"rules per switch {remaining}", "none anywhere"))
    return checks
