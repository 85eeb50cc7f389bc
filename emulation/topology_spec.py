"""Reads a topology file (topology/*.yaml, schema topology/topology.schema.json) into
what the emulator needs: switches, hosts and cables with ports, capacity and delay.

Mirrors the controller's loader (src/topology/topology-loader.ts) where both must agree:
datapath ids are normalised to 16 lower-case hex digits, and a cable without latencyMs
gets the fibre-model latency of its end locations (src/topology/fibre-model.ts).
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from pathlib import Path

import yaml

# Same constants as src/topology/fibre-model.ts.
FIBRE_MS_PER_KM = 0.005
ROUTE_FACTOR = 1.4
MIN_LINK_LATENCY_MS = 0.01
EARTH_RADIUS_KM = 6371.0088


class TopologyError(ValueError):
    pass


@dataclass(frozen=True)
class SwitchSpec:
    id: str
    dpid: str  # 16 lower-case hex digits


@dataclass(frozen=True)
class HostSpec:
    id: str
    addresses: tuple[str, ...]  # CIDR interface addresses to configure
    mac: str | None
    node: str
    port: int

    @property
    def ip(self) -> str:
        """The first address without its prefix length: what a scenario pings or sends to."""
        return self.addresses[0].split("/")[0]


@dataclass(frozen=True)
class CableSpec:
    id: str
    a_node: str
    a_port: int
    b_node: str
    b_port: int
    capacity_mbps: float
    latency_ms: float


@dataclass(frozen=True)
class TopologySpec:
    name: str
    switches: tuple[SwitchSpec, ...]
    hosts: tuple[HostSpec, ...]
    cables: tuple[CableSpec, ...]
    skipped: tuple[str, ...]  # what could not be emulated, and why

    def switch(self, node_id: str) -> SwitchSpec:
        for s in self.switches:
            if s.id == node_id:
                return s
        raise TopologyError(f"no switch '{node_id}'")

    def cable(self, cable_id: str) -> CableSpec:
        for c in self.cables:
            if c.id == cable_id:
                return c
        raise TopologyError(f"no cable '{cable_id}' (cables: {', '.join(c.id for c in self.cables)})")

    def host(self, host_id: str) -> HostSpec:
        for h in self.hosts:
            if h.id == host_id:
                return h
        raise TopologyError(f"no endpoint '{host_id}'")


def normalise_dpid(text: str) -> str:
    hex_digits = text[2:] if text.lower().startswith("0x") else text
    return hex_digits.lower().rjust(16, "0")


def fibre_latency_ms(a: dict, b: dict) -> float:
    rad = math.pi / 180
    d_lat = (b["lat"] - a["lat"]) * rad
    d_lon = (b["lon"] - a["lon"]) * rad
    h = math.sin(d_lat / 2) ** 2 + math.cos(a["lat"] * rad) * math.cos(b["lat"] * rad) * math.sin(d_lon / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
    return round(max(MIN_LINK_LATENCY_MS, km * ROUTE_FACTOR * FIBRE_MS_PER_KM), 3)


def interface_address(text: str) -> str:
    """An address to put on a host interface. An endpoint may own a whole prefix
    ("10.1.0.0/24"); the host then takes the prefix's first host address."""
    iface = ipaddress.ip_interface(text)
    net = iface.network
    if iface.ip == net.network_address and net.num_addresses > 2:
        return f"{net.network_address + 1}/{net.prefixlen}"
    return str(iface)


def load_topology(path: str | Path) -> TopologySpec:
    try:
        doc = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as e:
        raise TopologyError(f"cannot read topology {path}: {e}") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("nodes"), list):
        raise TopologyError(f"{path}: not a topology file (no 'nodes' list)")
    skipped: list[str] = []
    nodes = {n["id"]: n for n in doc["nodes"]}
    switches = tuple(
        SwitchSpec(id=n["id"], dpid=normalise_dpid(str(n["datapathId"])))
        for n in doc["nodes"]
        if n.get("datapathId") is not None
    )
    switch_ids = {s.id for s in switches}
    for n in doc["nodes"]:
        if n["id"] not in switch_ids:
            skipped.append(f"node {n['id']}: no datapathId, nothing forwards for it")

    used_ports: dict[str, set[int]] = {s: set() for s in switch_ids}
    for c in doc.get("cables") or []:
        for end in (c["a"], c["b"]):
            if end.get("port") is not None and end["node"] in used_ports:
                used_ports[end["node"]].add(int(end["port"]))
    for e in doc.get("endpoints") or []:
        at = e["attachment"]
        if at["node"] in used_ports:
            used_ports[at["node"]].add(int(at["port"]))

    def port_of(end: dict) -> int:
        if end.get("port") is not None:
            return int(end["port"])
        # The file leaves the port open: take the lowest free one, as a cabler would.
        taken = used_ports[end["node"]]
        port = next(p for p in range(1, 1 << 16) if p not in taken)
        taken.add(port)
        return port

    cables = []
    for c in doc.get("cables") or []:
        a, b = c["a"], c["b"]
        if a["node"] not in switch_ids or b["node"] not in switch_ids:
            skipped.append(f"cable {c['id']}: an end is not a switch")
            continue
        latency = c.get("latencyMs")
        if latency is None:
            la, lb = nodes[a["node"]].get("location"), nodes[b["node"]].get("location")
            if la is None or lb is None:
                raise TopologyError(f"cable {c['id']}: no latencyMs and its ends have no locations")
            latency = fibre_latency_ms(la, lb)
        cables.append(CableSpec(
            id=c["id"], a_node=a["node"], a_port=port_of(a), b_node=b["node"], b_port=port_of(b),
            capacity_mbps=float(c["capacityMbps"]), latency_ms=float(latency),
        ))

    hosts = []
    for e in doc.get("endpoints") or []:
        at = e["attachment"]
        if at["node"] not in switch_ids:
            skipped.append(f"endpoint {e['id']}: attached to {at['node']}, which is not a switch")
            continue
        try:
            addresses = tuple(interface_address(a) for a in e["addresses"])
        except ValueError as err:
            raise TopologyError(f"endpoint {e['id']}: {err}") from err
        hosts.append(HostSpec(
            id=e["id"], addresses=addresses, mac=(e.get("mac") or None) and e["mac"].lower(),
            node=at["node"], port=int(at["port"]),
        ))

    return TopologySpec(
        name=str(doc.get("name") or Path(path).stem), switches=switches, hosts=tuple(hosts),
        cables=tuple(cables), skipped=tuple(skipped),
    )
