"""Local repair of a protected intent with the controller frozen. 10 ms pings over a link-disjoint
protected intent (h1 - h3, primary s1-s3-s4-s5, backup s1-s5); each cable of the primary is cut in
turn (carrier loss) while the controller process is stopped (SIGSTOP), so whatever keeps the pings
going is the switches' own doing: the ingress fast-failover group for a cut next to the ingress, and
crankback (a transit switch's fast-failover group sends frames back to the ingress with the crankback
label, the ingress puts them on the backup) for a cut in the middle or at the far end of a direction's
primary. Each cut must lose at most a few round trips. Also measured: how long Open vSwitch takes to
report the cut port's link down (its port liveness, which the fast-failover groups watch)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

from _intents import IntentSession, cables_of, links_discovered, path_text, run_with_intents
from _traffic import PingRecorder
from scenario_kit import Check, ScenarioContext, ping_rtts

NAME = "local-repair"
DESCRIPTION = __doc__
NEEDS_CONTROLLER = True
ORDER = 45

ENDS = ("h1", "h3")
INTERVAL_S = 0.01
# "A few": at most 80 ms of 10 ms pings. What no data-plane repair avoids: Open vSwitch reports the
# carrier loss 10-26 ms after the cut (measured by local-repair), frames in flight on the cut cable are
# lost, and frames turned around by crankback travel the backup's longer path (20 ms cable here). A
# controller round trip instead loses 85-95 pings per 1.5 s cut when the controller cannot act.
FEW_PACKETS = 8
FROZEN_BEFORE_S = 0.3
CUT_HOLD_S = 1.5
SETTLE_TIMEOUT_S = 20
LIVENESS_TIMEOUT_S = 2.0


def run(ctx: ScenarioContext) -> list[Check]:
    return run_with_intents(ctx, _scenario, before_close=lambda: _thaw(ctx))


def _scenario(ctx: ScenarioContext, session: IntentSession) -> list[Check]:
    view = _protected(session)
    ok = view is not None and "backup" in view["paths"]["forward"]
    checks = [Check("protected intent installed with a backup", ok,
                    path_text(view["paths"]["forward"]["primary"]) + " / "
                    + path_text(view["paths"]["forward"].get("backup")) if view else "not installed",
                    "installed, primary and backup")]
    if not ok:
        return checks
    checks.append(_crankback_state(ctx, view))
    primary = view["paths"]["forward"]["primary"]
    cables = cables_of(primary)
    session.withdraw(view["id"])
    for cable in cables:
        checks += _cut_frozen(ctx, session, cable, primary["nodes"])
    return checks


def _protected(session: IntentSession) -> dict | None:
    c = session.create({"endpoints": {"src": ENDS[0], "dst": ENDS[1]}, "bandwidthMbps": 5,
                        "protection": "link-disjoint"})
    view = session.wait_state(c.id, {"installed"}, 10) if c.ok else None
    return view if view is not None and view.get("state") == "installed" else None


def _crankback_state(ctx: ScenarioContext, view: dict) -> Check:
    """A transit switch of the primary holds a fast-failover group whose second bucket goes back out of
    IN_PORT with the crankback label."""
    labels = view.get("labels", {})
    transit = view["paths"]["forward"]["primary"]["nodes"][1]
    out = _ofctl("dump-groups", ctx.net.bridge(transit))
    crank = labels.get("forwardCrankback")
    line = next((x for x in out.splitlines() if f"group_id={labels.get('forward')}," in x), "")
    ok = crank is not None and "type=ff" in line and re.search(rf"set_field:{crank | 0x1000}->vlan_vid,IN_PORT", line)
    return Check(f"crankback group on transit switch {transit}", bool(ok), line.strip() or "no group",
                 f"ff group {labels.get('forward')}: primary bucket, then vlan {crank} out IN_PORT")


def _cut_frozen(ctx: ScenarioContext, session: IntentSession, cable: str, nodes: list[str]) -> list[Check]:
    # The previous cut's cable must be back in the controller's topology (re-discovered) first.
    found = links_discovered(ctx)
    view = _protected(session) if found.ok else None
    if view is None or view["paths"]["forward"]["primary"]["nodes"] != nodes:
        got = path_text(view["paths"]["forward"]["primary"]) if view else f"not installed ({found.measured})"
        return [Check(f"{cable}: intent on the same primary", False, got, "installed on " + "-".join(nodes))]
    net = ctx.net
    dst = ctx.spec.host(ENDS[1]).ip
    ping_rtts(net.host(ENDS[0]), dst, count=2)
    rec = PingRecorder(net.host(ENDS[0]), dst, INTERVAL_S)
    spec = ctx.spec.cable(cable)
    restored = False
    try:
        time.sleep(1.0)
        _freeze(ctx)
        time.sleep(FROZEN_BEFORE_S)
        t_cut = time.time()
        net.cut(cable, mode="carrier")
        liveness_ms = _port_down_after(net.bridge(spec.a_node), spec.a_port, t_cut)
        time.sleep(max(0.0, t_cut + CUT_HOLD_S - time.time()))
        t_end = time.time()
        _thaw(ctx)
        net.restore(cable)
        restored = True
        session.wait_state(view["id"], {"installed"}, SETTLE_TIMEOUT_S)
        time.sleep(0.5)
    finally:
        _thaw(ctx)
        if not restored:
            net.restore(cable)
        log = rec.stop()
    session.withdraw(view["id"])
    lost = log.lost_sent_between(t_cut - INTERVAL_S, t_end)
    # Longest silence overlapping the frozen cut (it may run on past the thaw when nothing repaired it).
    times = sorted(r.received_at for r in log.replies)
    gaps = [b - a for a, b in zip(times, times[1:]) if b >= t_cut and a <= t_end]
    gap_ms = max(gaps, default=float("inf")) * 1000
    live = f"{liveness_ms:.0f} ms" if liveness_ms is not None else f"not within {LIVENESS_TIMEOUT_S:g} s"
    return [
        Check(f"{cable} cut with the controller frozen", lost <= FEW_PACKETS,
              f"{lost} round trips lost, longest gap {gap_ms:.0f} ms; "
              f"{spec.a_node} port {spec.a_port} reported down after {live}",
              f"<= {FEW_PACKETS} packets at {INTERVAL_S * 1000:g} ms"),
    ]


def _port_down_after(bridge: str, port: int, t0: float) -> float | None:
    """Milliseconds from t0 until the switch shows the port's link down (OFPPS_LINK_DOWN)."""
    deadline = time.monotonic() + LIVENESS_TIMEOUT_S
    while time.monotonic() < deadline:
        if "LINK_DOWN" in _ofctl("dump-ports-desc", bridge, str(port)):
            return (time.time() - t0) * 1000
        time.sleep(0.002)
    return None


def _freeze(ctx: ScenarioContext) -> None:
    os.killpg(ctx.controller.proc.pid, signal.SIGSTOP)


def _thaw(ctx: ScenarioContext) -> None:
    if ctx.controller is not None and ctx.controller.running():
        os.killpg(ctx.controller.proc.pid, signal.SIGCONT)


def _ofctl(*args: str) -> str:
    res = subprocess.run(["ovs-ofctl", "-O", "OpenFlow13", *args], capture_output=True, text=True, timeout=10)
    return res.stdout
