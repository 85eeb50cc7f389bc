"""The controller is killed (SIGKILL) under traffic (10 ms pings on two intents, one protected).
While it is down the switches keep forwarding on their rules (fail-mode secure). Restarted on the
same data directory it reloads the intents (GET shows them installed on the same paths) and
reconciles the switches without flushing them: every rule is still the one installed before the
crash (its age kept growing, its packet counter kept counting), and the pings lose at most a packet
or two over the whole crash and restart."""

from __future__ import annotations

import time

from _intents import IntentSession, path_text, run_with_intents
from _path_rules import intent_cookies
from _switch_flows import Flow, flows
from _traffic import PingRecorder
from scenario_kit import Check, ScenarioContext, ping_rtts

NAME = "controller-restart"
DESCRIPTION = __doc__
NEEDS_CONTROLLER = True
ORDER = 60

PAIRS = ({"src": "h1", "dst": "h3", "protection": "link-disjoint"}, {"src": "h2", "dst": "h4"})
INTERVAL_S = 0.01
DOWN_S = 3.0
MAX_LOST = 2
READY_TIMEOUT_S = 30
RECONNECT_TIMEOUT_S = 20
RELOAD_TIMEOUT_S = 15
SETTLE_S = 2.0  # after the intents show installed: reconciliation has had time to (not) rewrite rules


def run(ctx: ScenarioContext) -> list[Check]:
    def controller_back() -> None:
        if not ctx.controller.running():
            ctx.controller.start()  # later scenarios and the teardown expect a controller
            ctx.controller.wait_ready(ctx.api, READY_TIMEOUT_S)

    return run_with_intents(ctx, _scenario, before_close=controller_back)


def _paths(view: dict) -> dict:
    """The routing of an intent: nodes and links of every path, per direction."""
    return {d: {k: (p["nodes"], p["links"]) for k, p in v.items() if k in ("primary", "backup")}
            for d, v in (view.get("paths") or {}).items()}


def _rules(ctx: ScenarioContext, cookies: list[int]) -> dict[tuple, Flow]:
    out = {}
    for s in ctx.spec.switches:
        for c in cookies:
            for f in flows(ctx.net.bridge(s.id), c):
                out[(s.id, c, *f.identity)] = f
    return out


def _states_since(view: dict | None, t: float) -> str:
    if not view:
        return "-"
    states = [h["state"] + (f" ({h['reason']['code']})" if h.get("reason") else "")
              for h in view.get("history", []) if h["at"] >= t * 1000]
    return " > ".join(states) or "none"



def _scenario(ctx: ScenarioContext, session: IntentSession) -> list[Check]:
    checks = []
    views = []
    for pair in PAIRS:
        created = session.create({"endpoints": {"src": pair["src"], "dst": pair["dst"]}, "bandwidthMbps": 5,
                                  **({"protection": pair["protection"]} if "protection" in pair else {})})
        view = session.settled(created)
        views.append(view if view is not None and view["state"] == "installed" else None)
        if views[-1] is None:
            checks.append(Check(f"intent {pair['src']}->{pair['dst']} installed", False,
                                created.describe() if view is None else view["state"], "installed"))
    if None in views:
        return checks

    net, controller = ctx.net, ctx.controller
    cookies = sorted({c for v in views for c in intent_cookies(v)})
    for pair in PAIRS:
        ping_rtts(net.host(pair["src"]), ctx.spec.host(pair["dst"]).ip, count=2)  # ARP
    pings = [PingRecorder(net.host(p["src"]), ctx.spec.host(p["dst"]).ip, INTERVAL_S) for p in PAIRS]
    logs = []
    try:
        time.sleep(0.5)
        # Two readings a second apart tell which rules carry the pings right now (ARP rules, for one,
        # count only when a cache entry is refreshed): those must go on counting across the restart.
        rules_warm = _rules(ctx, cookies)
        time.sleep(1.0)
        t_before = time.monotonic()
        rules_before = _rules(ctx, cookies)
        t_kill = time.time()
        controller.kill()
        time.sleep(DOWN_S)
        t_start = time.time()
        controller.start()
        ready = controller.wait_ready(ctx.api, READY_TIMEOUT_S)
        t_ready = time.time()
        bridges = [net.net.get(b) for b in net.bridge_of.values()]
        connected = ready and ctx.wait_for(lambda: all(b.connected() for b in bridges), RECONNECT_TIMEOUT_S, 0.1)
        t_connected = time.time()
        reloaded = [session.wait_state(v["id"], {"installed"}, RELOAD_TIMEOUT_S) if ready else None for v in views]
        time.sleep(SETTLE_S)
        t_after = time.monotonic()
        rules_after = _rules(ctx, cookies)
    finally:
        logs = [p.stop() for p in pings]

    down_lost = [log.lost_sent_between(t_kill, t_start) for log in logs]
    down_replies = [len(log.between(t_kill + 0.1, t_start)) for log in logs]
    # ping sends at most one request per round trip (iputils keeps one outstanding), so the rate to
    # expect is the one each ping had in the second before the kill.
    rates = [len(log.between(t_kill - 1.0, t_kill)) for log in logs]
    expected = [int(r * (t_start - t_kill - 0.1)) for r in rates]
    checks.append(Check("traffic flows while the controller is down", all(n <= MAX_LOST for n in down_lost)
                        and all(r >= 0.9 * e for r, e in zip(down_replies, expected)),
                        f"{DOWN_S:g} s down: " + ", ".join(f"{p['src']}->{p['dst']} {r} replies (rate before: "
                                                           f"{e}), {n} lost"
                                                           for p, r, e, n in zip(PAIRS, down_replies, expected,
                                                                                 down_lost)),
                        f">= 90% of the replies at the rate before the kill, <= {MAX_LOST} lost"))
    checks.append(Check("controller restarts on the same data dir, switches reconnect", bool(connected),
                        f"ready {t_ready - t_start:.1f} s, all switches connected {t_connected - t_start:.1f} s "
                        f"after start" if connected else ("not ready: " + controller.log_tail(2) if not ready
                                                          else "not connected: " + " ".join(
                                                              b.name for b in bridges if not b.connected())),
                        f"ready within {READY_TIMEOUT_S} s, connected within {RECONNECT_TIMEOUT_S} s"))
    for before, after in zip(views, reloaded):
        same = after is not None and after["state"] == "installed" and _paths(after) == _paths(before)
        checks.append(Check(f"{before['id']} reloaded installed on the same paths", same,
                            f"{after['state'] if after else 'missing'}: "
                            f"{path_text(after['paths']['forward']['primary']) if after and after.get('paths') else '-'}"
                            + ("" if same or after is None else f" (was {path_text(before['paths']['forward']['primary'])})")
                            + f"; labels {before.get('labels')} -> {after.get('labels') if after else '-'}"
                            + f"; states since restart: {_states_since(after, t_start)}",
                            f"installed, {path_text(before['paths']['forward']['primary'])}"))

    elapsed = t_after - t_before
    gone = sorted(set(rules_before) - set(rules_after))
    added = sorted(set(rules_after) - set(rules_before))
    readded = [k for k in rules_before if k in rules_after
               and rules_after[k].duration_s < rules_before[k].duration_s + elapsed - 1.0]
    counting = [k for k in rules_before if k in rules_warm and rules_before[k].n_packets > rules_warm[k].n_packets]
    stalled = [k for k in counting if k in rules_after and rules_after[k].n_packets <= rules_before[k].n_packets]
    kept = not gone and not added and not readded and not stalled and counting
    for key in (gone + added + readded)[:6]:
        f = rules_before.get(key) or rules_after.get(key)
        print(f"  rule {'gone' if key in gone else 'new' if key in added else 're-added'}: {key[0]} "
              f"priority={f.priority},{f.match} actions={f.actions}", flush=True)
    checks.append(Check("switches reconciled without a flush", bool(kept),
                        f"{len(rules_before)} rules before, {len(rules_after)} after; {len(gone)} gone, "
                        f"{len(added)} new, {len(readded)} re-added (age reset); {len(counting) - len(stalled)}/"
                        f"{len(counting)} counting rules kept counting",
                        "same rules, ages grew by the elapsed time, counters kept increasing"))
    total_lost = [log.lost for log in logs]
    checks.append(Check("loss over crash and restart", all(n <= MAX_LOST for n in total_lost),
                        "; ".join(f"{p['src']}->{p['dst']} {log.summary()}" for p, log in zip(PAIRS, logs)),
                        f"<= {MAX_LOST} packets each"))
    return checks
