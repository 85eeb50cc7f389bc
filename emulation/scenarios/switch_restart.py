"""A switch loses its rules under traffic (10 ms pings) and the controller gives them back.
First its flow table is wiped behind the controller's back (ovs-ofctl del-flows on a transit
switch of the path); then the bridge is restarted (deleted and re-created with the same ports and
datapath id, so it reconnects with an empty table). Each time, within a few seconds, the switch must
hold the controller's rules again - its own (discovery, table miss) and the intent's along the path
the intent has then (the controller may have moved it around the switch meanwhile) - and traffic
must resume."""

from __future__ import annotations

import time

from _intents import IntentSession, links_discovered, path_text, run_with_intents, topology_links
from _path_rules import direction_hops, intent_cookies, rules_follow
from _switch_flows import delete_flows, flows
from _traffic import PingRecorder
from netutil import shape_egress
from scenario_kit import Check, ScenarioContext, ping_rtts

NAME = "switch-restart"
DESCRIPTION = __doc__
NEEDS_CONTROLLER = True
ORDER = 50

SRC, DST = "h1", "h3"
INTERVAL_S = 0.01
RECOVERY_BOUND_S = 5.0  # "within a few seconds"
WATCH_S = 8.0  # how long to wait for the rules before calling it failed


def run(ctx: ScenarioContext) -> list[Check]:
    return run_with_intents(ctx, _scenario)


def _restart_bridge(ctx: ScenarioContext, switch_id: str) -> None:
    """Deletes and re-creates the bridge as the network builder made it (Mininet re-adds the same
    ports, datapath id, fail mode and controller), then puts back the cables' shapers."""
    net = ctx.net
    bridge = net.bridge(switch_id)
    sw = net.net.get(bridge)
    sw.stop(deleteIntfs=False)
    sw.start(net.net.controllers)
    sw.controllerUUIDs(update=True)  # Mininet caches the old bridge's controller record for connected()
    for rt in net.cables.values():
        for sw_if in (rt.switch_if_a, rt.switch_if_b):
            if sw_if.startswith(f"{bridge}-"):
                shape_egress(sw_if, rt.spec.capacity_mbps)


def _reconciled(ctx: ScenarioContext, session: IntentSession, intent_id: str, bridge: str,
                own: set) -> tuple[bool, str]:
    """The switch holds the controller's own rules again (cookie 0: discovery, table miss) and the
    intent is installed with its rules along the path it has now (which may avoid the switch)."""
    view = session.get(intent_id)
    if view is None or view["state"] != "installed":
        return False, f"intent {view['state'] if view else 'missing'}"
    try:
        if not own <= {f.identity for f in flows(bridge, 0)}:
            return False, "controller's own rules missing"
        ok, found = rules_follow(ctx, intent_cookies(view), direction_hops(ctx, view, topology_links(ctx), SRC, DST))
    except RuntimeError as e:  # the bridge is being re-created
        return False, str(e)
    return ok, f"path {path_text(view['paths']['forward']['primary'])}, {found}"


def _trial(ctx: ScenarioContext, session: IntentSession, view: dict, switch: str, label: str,
           action) -> list[Check]:
    net = ctx.net
    bridge = net.bridge(switch)
    own = {f.identity for f in flows(bridge, 0)}
    ping = PingRecorder(net.host(SRC), ctx.spec.host(DST).ip, INTERVAL_S)
    back_after, state = None, "not checked"
    try:
        time.sleep(1.0)
        t0 = time.time()
        action()
        left = sum(len(flows(bridge, c)) for c in intent_cookies(view))  # right after: the switch really lost them
        deadline = time.monotonic() + WATCH_S
        while time.monotonic() < deadline:
            ok, state = _reconciled(ctx, session, view["id"], bridge, own)
            if ok:
                back_after = time.time() - t0
                break
            time.sleep(0.1)
        time.sleep(1.0)
    finally:
        log = ping.stop()
    first = log.first_sent_after(t0)
    resumed = (first.received_at - t0) if first else None
    ok = (back_after is not None and back_after <= RECOVERY_BOUND_S and resumed is not None
          and resumed <= RECOVERY_BOUND_S)
    return [Check(f"{label} on {switch}: switch reconciled, traffic resumes", ok,
                  (f"intent rules right after: {left}; reconciled "
                   f"{f'after {back_after:.2f} s' if back_after is not None else f'not within {WATCH_S:g} s'} "
                   f"({state}); first reply {f'{resumed:.2f} s' if resumed is not None else 'never'} after; "
                   f"{log.summary()}"),
                  f"switch's own and intent rules back, replies, within {RECOVERY_BOUND_S:g} s")]


def _scenario(ctx: ScenarioContext, session: IntentSession) -> list[Check]:
    # A reconnecting switch is the easier case (the controller sees it come back), so it goes first;
    # each trial gets a fresh intent on the network as it is then.
    checks = _with_intent(ctx, session, "bridge restarted (del-br, add-br)", lambda sw: _restart_bridge(ctx, sw))
    checks.append(links_discovered(ctx))
    wiped: list[str] = []

    def wipe(sw: str) -> None:
        wiped.append(sw)
        delete_flows(ctx.net.bridge(sw))

    try:
        checks += _with_intent(ctx, session, "flow table wiped (ovs-ofctl del-flows)", wipe)
    finally:
        # A controller that never noticed leaves that switch without its discovery rules: a
        # reconnect makes the next scenario start from a switch the controller has set up again.
        for sw in wiped:
            _restart_bridge(ctx, sw)
    return checks


def _with_intent(ctx: ScenarioContext, session: IntentSession, label: str, action) -> list[Check]:
    created = session.create({"endpoints": {"src": SRC, "dst": DST}, "bandwidthMbps": 5})
    view = session.settled(created)
    try:
        if view is None or view["state"] != "installed":
            return [Check(f"{label}: intent {SRC}->{DST} installed", False,
                          created.describe() if view is None else view["state"], "installed")]
        path = view["paths"]["forward"]["primary"]
        if len(path["nodes"]) < 3:
            return [Check(f"{label}: path has a transit switch", False, path_text(path), ">= 3 switches")]
        transit = path["nodes"][1]
        ping_rtts(ctx.net.host(SRC), ctx.spec.host(DST).ip, count=2)  # ARP
        return _trial(ctx, session, view, transit, label, lambda: action(transit))
    finally:
        if created.ok:
            session.withdraw(created.id)
