"""The controller sees the emulated network as it is: every switch connected, every
cable discovered in both directions on the right ports, no links that do not exist, and
each measured link latency within 1 ms or 10 % of the delay the relay emulates
(GET /api/v1/topology)."""

from __future__ import annotations

from scenario_kit import ApiError, Check, ScenarioContext, within

NAME = "discovery"
DESCRIPTION = __doc__
NEEDS_CONTROLLER = True

DISCOVERY_TIMEOUT_S = 45
LATENCY_ABS_TOL_MS = 1.0
LATENCY_REL_TOL = 0.10


def _snapshot(ctx: ScenarioContext) -> dict | None:
    try:
        return ctx.api.get("/api/v1/topology")
    except ApiError:
        return None


def _expected_links(ctx: ScenarioContext) -> dict[tuple[str, int, str, int], tuple[str, float]]:
    """(src dpid, src port, dst dpid, dst port) -> (directed link name, emulated one-way delay)."""
    dpid = {s.id: s.dpid for s in ctx.spec.switches}
    out = {}
    for c in ctx.spec.cables:
        out[(dpid[c.a_node], c.a_port, dpid[c.b_node], c.b_port)] = (f"{c.id} a->b", c.latency_ms)
        out[(dpid[c.b_node], c.b_port, dpid[c.a_node], c.a_port)] = (f"{c.id} b->a", c.latency_ms)
    return out


def _observed_links(topo: dict) -> dict[tuple[str, int, str, int], dict]:
    dpid_of = {n["id"]: n.get("datapathId") for n in topo.get("nodes", [])}
    out = {}
    for link in topo.get("links", []):
        src, dst = dpid_of.get(link["src"]), dpid_of.get(link["dst"])
        if src is None or dst is None or link.get("srcPort") is None or link.get("dstPort") is None:
            continue  # endpoint attachments and port-less declarations are not switch links
        if link.get("operUp") and link.get("measuredLatencyMs") is not None:
            out[(src, link["srcPort"], dst, link["dstPort"])] = link
    return out


def _settled(ctx: ScenarioContext, expected) -> dict | None:
    topo = _snapshot(ctx)
    if topo is None:
        return None
    return topo if set(expected) <= set(_observed_links(topo)) else None


def run(ctx: ScenarioContext) -> list[Check]:
    expected = _expected_links(ctx)
    topo = ctx.wait_for(lambda: _settled(ctx, expected), DISCOVERY_TIMEOUT_S, interval_s=1.0) or _snapshot(ctx)
    if topo is None:
        return [Check("GET /api/v1/topology answers", False, "no answer", "200 with {seq, nodes, links}")]
    checks = []
    connected = {n.get("datapathId") for n in topo.get("nodes", []) if n.get("datapathId") and n.get("operUp")}
    want = {s.dpid for s in ctx.spec.switches}
    checks.append(Check("switches connected", want <= connected, f"{len(want & connected)}/{len(want)}",
                        "all switches of the file, operUp"))
    observed = _observed_links(topo)
    for key, (name, delay_ms) in sorted(expected.items(), key=lambda kv: kv[1][0]):
        link = observed.get(key)
        if link is None:
            checks.append(Check(f"link {name} discovered", False, "missing (or no measured latency)",
                                f"present within {DISCOVERY_TIMEOUT_S} s"))
            continue
        measured = float(link["measuredLatencyMs"])
        checks.append(Check(f"link {name} latency", within(measured, delay_ms, LATENCY_ABS_TOL_MS, LATENCY_REL_TOL),
                            f"{measured:.3f} ms",
                            f"{delay_ms:g} ms +- max({LATENCY_ABS_TOL_MS:g} ms, {LATENCY_REL_TOL:.0%})"))
    extra = sorted(set(observed) - set(expected))
    checks.append(Check("no links that are not cabled", not extra,
                        ", ".join(f"{s}:{sp}->{d}:{dp}" for s, sp, d, dp in extra) or "none", "none"))
    return checks
