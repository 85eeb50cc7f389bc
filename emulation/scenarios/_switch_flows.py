"""What the switches really hold, read with ovs-ofctl (independently of the controller): the flows
of one cookie with their counters, fast-failover groups, and whether a bridge's rules carry traffic
along a given sequence of hops."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Flow:
    cookie: int
    duration_s: float
    n_packets: int
    priority: int
    match: str
    actions: str

    @property
    def in_port(self) -> int | None:
        m = re.search(r"(?:^|,)in_port=(\d+)", self.match)
        return int(m.group(1)) if m else None

    @property
    def outputs(self) -> set[int]:
        return {int(p) for p in re.findall(r"output:(\d+)", self.actions)}

    @property
    def groups(self) -> set[int]:
        return {int(g) for g in re.findall(r"group:(\d+)", self.actions)}

    @property
    def identity(self) -> tuple[int, str]:
        """What a flow is, as opposed to its counters: re-adding it gives the same identity."""
        return (self.priority, self.match)


def _parse(line: str) -> Flow | None:
    # " cookie=0x2a, duration=1.2s, table=0, n_packets=3, n_bytes=294, [flags/timeouts ]priority=P[,match] actions=A"
    head, sep, actions = line.partition(" actions=")
    cookie = re.search(r"cookie=0x([0-9a-f]+)", head)
    duration = re.search(r"duration=([\d.]+)s", head)
    packets = re.search(r"n_packets=(\d+)", head)
    prio = re.search(r"priority=(\d+)(?:,(\S+))?$", head.strip())
    if not (sep and cookie and duration and packets and prio):
        return None
    return Flow(int(cookie.group(1), 16), float(duration.group(1)), int(packets.group(1)), int(prio.group(1)),
                prio.group(2) or "", actions.strip())


def _ofctl(*args: str) -> str:
    res = subprocess.run(["ovs-ofctl", "-O", "OpenFlow13", "--no-names", *args],
                         capture_output=True, text=True, timeout=10)
    if res.returncode != 0:
        raise RuntimeError(f"ovs-ofctl {' '.join(args)}: {res.stderr.strip()}")
    return res.stdout


def flows(bridge: str, cookie: int) -> list[Flow]:
    """The bridge's flows whose cookie is exactly `cookie` (ovs-ofctl dump-flows cookie=C/-1)."""
    out = []
    for line in _ofctl("dump-flows", bridge, f"cookie={cookie:#x}/-1").splitlines():
        flow = _parse(line)
        if flow is not None:
            out.append(flow)
    return out


def group_outputs(bridge: str) -> dict[int, list[tuple[int | None, set[int]]]]:
    """group id -> its buckets in order, each (watch port, output ports)."""
    out: dict[int, list[tuple[int | None, set[int]]]] = {}
    for line in _ofctl("dump-groups", bridge).splitlines():
        m = re.search(r"group_id=(\d+)", line)
        if not m:
            continue
        buckets = []
        for b in line.split("bucket=")[1:]:
            w = re.search(r"watch_port:(\d+)", b)
            buckets.append((int(w.group(1)) if w else None, {int(p) for p in re.findall(r"output:(\d+)", b)}))
        out[int(m.group(1))] = buckets
    return out


def first_outputs(flow: Flow, groups: dict[int, list[tuple[int | None, set[int]]]]) -> set[int]:
    """Ports a flow sends to when every port is up: its own outputs and the first bucket of each
    fast-failover group it uses (OpenFlow 1.3 section 5.6.1: the first live bucket forwards)."""
    ports = set(flow.outputs)
    for g in flow.groups:
        buckets = groups.get(g) or []
        if buckets:
            ports |= buckets[0][1]
    return ports


def all_outputs(flow: Flow, groups: dict[int, list[tuple[int | None, set[int]]]]) -> set[int]:
    ports = set(flow.outputs)
    for g in flow.groups:
        for _, outs in groups.get(g) or []:
            ports |= outs
    return ports


def delete_flows(bridge: str) -> None:
    _ofctl("del-flows", bridge)


def group_bucket_packets(bridge: str) -> dict[int, list[int]]:
    """group id -> packets each bucket forwarded (ovs-ofctl dump-group-stats)."""
    out = {}
    for line in _ofctl("dump-group-stats", bridge).splitlines():
        m = re.search(r"group_id=(\d+)", line)
        if m:
            out[int(m.group(1))] = [int(n) for n in re.findall(r"bucket\d+:packet_count=(\d+)", line)]
    return out


def meter_stats(bridge: str) -> dict[int, tuple[int, int]]:
    """meter id -> (packets in, packets dropped by its band) (ovs-ofctl meter-stats)."""
    out = {}
    meter = None
    for line in _ofctl("meter-stats", bridge).splitlines():
        m = re.match(r"meter:(\d+) .*packet_in_count:(\d+)", line)
        if m:
            meter = (int(m.group(1)), int(m.group(2)))
            continue
        b = re.match(r"\s*0: packet_count:(\d+)", line)
        if b and meter is not None:
            out[meter[0]] = (meter[1], int(b.group(1)))
            meter = None
    return out


def meter_rates_kbps(bridge: str) -> dict[int, int]:
    """meter id -> rate of its drop band, kbit/s (ovs-ofctl dump-meters)."""
    out, meter = {}, None
    for line in _ofctl("dump-meters", bridge).splitlines():
        m = re.match(r"meter=(\d+) ", line)
        if m:
            meter = int(m.group(1))
        r = re.search(r"type=drop rate=(\d+)", line)
        if r and meter is not None:
            out[meter] = int(r.group(1))
    return out
