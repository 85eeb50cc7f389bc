"""Intents through the controller's REST API, as a user drives them: create, read, wait for a
state, withdraw. Used by the scenarios; the runner skips modules whose name starts with "_".

Every intent a scenario creates goes through an IntentSession, which withdraws them all when the
scenario ends (pass or fail), so scenarios leave the controller as they found it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scenario_kit import ApiError, Check, RestClient, ScenarioContext

INTENTS = "/api/v1/intents"
# Routing needs the links discovered; discovery of the mini topology takes a few LLDP rounds.
LINKS_TIMEOUT_S = 45


@dataclass
class Created:
    """What POST /intents answered; `body` is the intent (2xx) or the error document."""

    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return self.status in (200, 201) and isinstance(self.body, dict) and "id" in self.body

    @property
    def id(self) -> str:
        return self.body["id"]

    def describe(self) -> str:
        if self.ok:
            reason = self.body.get("reason")
            return f"{self.status} {self.body['state']}" + (f" ({reason.get('code')}: {reason.get('message')})"
                                                            if reason else "")
        return f"{self.status} {_short(self.body)}"


def _short(body: Any, limit: int = 160) -> str:
    text = body if isinstance(body, str) else (body.get("code", "") + " " + body.get("message", "")
                                                if isinstance(body, dict) else repr(body))
    return text.strip()[:limit]


class IntentSession:
    """Creates intents and withdraws every one of them on close()."""

    def __init__(self, api: RestClient) -> None:
        self.api = api
        self.ids: list[str] = []

    def create(self, body: dict) -> Created:
        status, answer = self.api.request("POST", INTENTS, body, timeout_s=15)
        created = Created(status, answer)
        if created.ok:
            self.ids.append(created.id)
        return created

    def get(self, intent_id: str) -> dict | None:
        try:
            status, body = self.api.request("GET", f"{INTENTS}/{intent_id}")
        except ApiError:
            return None
        return body if status == 200 else None

    def withdraw(self, intent_id: str) -> tuple[int, Any]:
        status, body = self.api.request("DELETE", f"{INTENTS}/{intent_id}", timeout_s=15)
        if intent_id in self.ids and status in (200, 404):
            self.ids.remove(intent_id)
        return status, body

    def wait_state(self, intent_id: str, states: set[str], timeout_s: float, interval_s: float = 0.1) -> dict | None:
        """The intent once it is in one of `states`, or its last view (or None) when time runs out."""
        deadline = time.monotonic() + timeout_s
        while True:
            view = self.get(intent_id)
            if view is not None and view.get("state") in states:
                return view
            if time.monotonic() >= deadline:
                return view
            time.sleep(interval_s)

    def settled(self, created: Created, timeout_s: float = 10) -> dict | None:
        """The created intent once installed or failed (its last view when time runs out); None
        when the POST did not create it."""
        return self.wait_state(created.id, {"installed", "failed"}, timeout_s) if created.ok else None

    def close(self) -> list[str]:
        """Withdraws what is left; returns the ids that could not be withdrawn."""
        stuck = []
        for intent_id in list(self.ids):
            try:
                status, _ = self.withdraw(intent_id)
            except ApiError:
                status = 0
            if status not in (200, 404):
                stuck.append(intent_id)
        return stuck


def run_with_intents(ctx: ScenarioContext, scenario: Callable[[ScenarioContext, IntentSession], list[Check]],
                     before_close: Callable[[], None] | None = None) -> list[Check]:
    """The run() of a scenario that drives intents: the network discovered first (else that check
    alone), then `scenario`, then every intent it created withdrawn, pass, fail or exception, as a last
    check. `before_close` runs first in that cleanup (e.g. to bring a stopped controller back)."""
    checks = [links_discovered(ctx)]
    if not checks[0].ok:
        return checks
    session = IntentSession(ctx.api)
    try:
        checks += scenario(ctx, session)
    finally:
        if before_close is not None:
            before_close()
        stuck = session.close()
        checks.append(Check("intents withdrawn at the end", not stuck, ", ".join(stuck) or "all", "DELETE 200"))
    return checks


def links_discovered(ctx: ScenarioContext, timeout_s: float = LINKS_TIMEOUT_S) -> Check:
    """Waits until GET /topology shows every cable of the file up in both directions: routing on
    a half-discovered network would test discovery, not the scenario."""
    dpid = {s.id: s.dpid for s in ctx.spec.switches}
    want = set()
    for c in ctx.spec.cables:
        want.add((dpid[c.a_node], c.a_port, dpid[c.b_node], c.b_port))
        want.add((dpid[c.b_node], c.b_port, dpid[c.a_node], c.a_port))

    def up() -> set:
        try:
            topo = ctx.api.get("/api/v1/topology")
        except ApiError:
            return set()
        dpid_of = {n["id"]: n.get("datapathId") for n in topo.get("nodes", [])}
        return {(dpid_of.get(l["src"]), l.get("srcPort"), dpid_of.get(l["dst"]), l.get("dstPort"))
                for l in topo.get("links", []) if l.get("operUp") and l.get("adminUp", True)}

    t0 = time.monotonic()
    seen = ctx.wait_for(lambda: want <= up(), timeout_s, interval_s=0.5)
    missing = len(want - up()) if not seen else 0
    return Check("network discovered before the scenario", bool(seen),
                 f"all {len(want)} directed links up after {time.monotonic() - t0:.1f} s" if seen
                 else f"{missing} of {len(want)} directed links not up",
                 f"within {timeout_s} s")


def topology_links(ctx: ScenarioContext) -> dict[str, dict]:
    """Directed links of GET /topology by id (`<cable>.a` from a to b, `<cable>.b` back)."""
    return {l["id"]: l for l in ctx.api.get("/api/v1/topology").get("links", [])}


def cables_of(path: dict) -> list[str]:
    """Cable ids along a path of an intent view (its links are `<cable>.a|b`)."""
    return [link.rsplit(".", 1)[0] for link in path["links"]]


def path_text(path: dict | None) -> str:
    if not path:
        return "none"
    return f"{'-'.join(path['nodes'])} ({path['latencyMs']:g} ms)"
