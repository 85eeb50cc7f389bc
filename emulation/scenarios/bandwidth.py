"""Two intents compete for one link (the 20 Mbit/s Grenoble-Lyon access cable, the only way out of
s2): the first (12 Mbit/s) is admitted, the second (12 Mbit/s) does not fit and is refused - state
failed, a reason naming bandwidth or the bottleneck, and none of its traffic forwarded. With a
third intent that fits (6 Mbit/s) sending five times its reservation at the same time, the admitted
12 Mbit/s intent still receives >= 90 % of its reservation (iperf3 UDP at its reserved rate), and
the over-sender is policed by its ingress meter to within 10 % of its reservation."""

from __future__ import annotations

import re
import time

from _intents import IntentSession, run_with_intents
from _switch_flows import meter_rates_kbps, meter_stats
from _traffic import UdpFlow
from scenario_kit import Check, ScenarioContext, ping_rtts

NAME = "bandwidth"
DESCRIPTION = __doc__
NEEDS_CONTROLLER = True
ORDER = 30

SENDER = "h2"  # behind s2: every path out of it crosses gre-lyon
ADMITTED_TO, REFUSED_TO = "h3", "h1"
CABLE = "gre-lyon"
FIRST_MBPS, SECOND_MBPS, FITTING_MBPS = 12.0, 12.0, 6.0
OVERSEND = 5.0  # the fitting intent's sender offers this many times its reservation
SECONDS = 5
MIN_SHARE = 0.90  # the admitted intent's receiver gets at least this share of its reservation
POLICE_TOL = 0.10  # the over-sender's receiver gets its reservation +- this share


def run(ctx: ScenarioContext) -> list[Check]:
    return run_with_intents(ctx, _scenario)


def _installed(session: IntentSession, created) -> dict | None:
    view = session.settled(created)
    return view if view is not None and view["state"] == "installed" else None


def _scenario(ctx: ScenarioContext, session: IntentSession) -> list[Check]:
    checks = []
    capacity = ctx.spec.cable(CABLE).capacity_mbps
    first = session.create({"endpoints": {"src": SENDER, "dst": ADMITTED_TO}, "bandwidthMbps": FIRST_MBPS})
    admitted = _installed(session, first)
    checks.append(Check(f"{FIRST_MBPS:g} Mbit/s {SENDER}->{ADMITTED_TO} admitted", admitted is not None,
                        first.describe(), f"installed ({CABLE}: {capacity:g} Mbit/s)"))
    if admitted is None:
        return checks

    second = session.create({"endpoints": {"src": SENDER, "dst": REFUSED_TO}, "bandwidthMbps": SECOND_MBPS})
    reason = second.body.get("reason", {}) if second.ok else {}
    text = f"{reason.get('code', '')} {reason.get('message', '')}"
    refused = second.ok and second.body["state"] == "failed" and re.search(r"bandwidth|bottleneck", text, re.I)
    checks.append(Check(f"{SECOND_MBPS:g} Mbit/s {SENDER}->{REFUSED_TO} refused with the reason", bool(refused),
                        second.describe(), f"failed, reason naming bandwidth/bottleneck ({capacity:g} - "
                        f"{FIRST_MBPS:g} = {capacity - FIRST_MBPS:g} Mbit/s free)"))
    refused_ip = ctx.spec.host(REFUSED_TO).ip
    leaked = ping_rtts(ctx.net.host(SENDER), refused_ip, count=5, interval_s=0.1)
    checks.append(Check("refused intent forwards nothing", not leaked, f"{len(leaked)}/5 ping replies",
                        "0 replies"))
    if second.ok:
        session.withdraw(second.id)

    fitting = session.create({"endpoints": {"src": SENDER, "dst": REFUSED_TO}, "bandwidthMbps": FITTING_MBPS})
    policed = _installed(session, fitting)
    checks.append(Check(f"{FITTING_MBPS:g} Mbit/s {SENDER}->{REFUSED_TO} admitted next to it", policed is not None,
                        fitting.describe(), "installed"))
    if policed is None:
        return checks

    net, spec = ctx.net, ctx.spec
    ip = {h: spec.host(h).ip for h in (ADMITTED_TO, REFUSED_TO)}
    for h in (ADMITTED_TO, REFUSED_TO):
        ping_rtts(net.host(SENDER), ip[h], count=2)  # ARP before the clock starts
    ingress = net.bridge(spec.host(SENDER).node)
    meter_id = policed["labels"]["forwardMeter"]
    before = meter_stats(ingress).get(meter_id, (0, 0))
    flows = [UdpFlow(net.host(SENDER), net.host(ADMITTED_TO), ip[ADMITTED_TO], FIRST_MBPS, SECONDS, 5301),
             UdpFlow(net.host(SENDER), net.host(REFUSED_TO), ip[REFUSED_TO], OVERSEND * FITTING_MBPS, SECONDS, 5302)]
    time.sleep(0.3)  # both receivers listening
    for f in flows:
        f.start()
    (got, why), (over, why_over) = (f.result() for f in flows)
    after = meter_stats(ingress).get(meter_id, (0, 0))
    checks.append(Check("admitted intent gets its rate under competing traffic",
                        got is not None and got >= MIN_SHARE * FIRST_MBPS,
                        f"{got:.2f} Mbit/s received of {FIRST_MBPS:g} offered" if got is not None else why,
                        f">= {MIN_SHARE:.0%} of {FIRST_MBPS:g} = {MIN_SHARE * FIRST_MBPS:g} Mbit/s"))
    rate = meter_rates_kbps(ingress).get(meter_id)
    dropped = after[1] - before[1]
    checks.append(Check("over-sender policed to its reservation at ingress",
                        over is not None and abs(over - FITTING_MBPS) <= POLICE_TOL * FITTING_MBPS,
                        (f"{over:.2f} Mbit/s received of {OVERSEND * FITTING_MBPS:g} offered; meter {meter_id} on "
                         f"{spec.host(SENDER).node} at {rate} kbit/s dropped {dropped} packets")
                        if over is not None else why_over,
                        f"{FITTING_MBPS:g} Mbit/s +- {POLICE_TOL:.0%}"))
    return checks
