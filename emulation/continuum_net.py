#!/usr/bin/python3
"""Builds a Mininet network from a topology file, with real link delays.

    switch A port p == veth == [relay side a] delay-relay [relay side b] == veth == switch B port q

One Open vSwitch bridge per switch node (userspace datapath, OpenFlow 1.3, fail-mode
secure, datapath id from the file, a remote controller), one Mininet host per endpoint
(its addresses, checksum offload off), one delay-relay per cable carrying the cable's
latency in each direction, and an htb shaper at the cable's capacity on both switch
ports. Port numbers are those of the file.

Every name this creates starts with a prefix (default "sdm"): bridges <prefix><n>,
hosts <prefix>h<n>, relay veths <prefix>r<n>a/b. Teardown removes exactly those.

Python API: ContinuumNet(spec, ...).start(), .cut(cable), .restore(cable), .stop().
CLI (run as root, with the system python that has mininet):
    continuum_net.py up --topology topology/mini.yaml [--controller-port 6653]
    continuum_net.py cut|restore CABLE [--direction ab|ba|both] [--mode silent|carrier]
    continuum_net.py delay CABLE MS [--direction ab|ba|both]
    continuum_net.py stats [CABLE]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mininet.log import setLogLevel  # noqa: E402
from mininet.net import Mininet  # noqa: E402
from mininet.link import Intf  # noqa: E402
from mininet.node import OVSSwitch, RemoteController  # noqa: E402

from netutil import (  # noqa: E402
    CommandError, add_veth, delete_link, disable_offloads, link_exists, quiet_l2_port, set_link_up, sh,
    shape_egress,
)
from relay_process import RelayError, RelayProcess  # noqa: E402
from topology_spec import CableSpec, TopologySpec, load_topology  # noqa: E402

STATE_ROOT = Path("/run/sdnc-emulation")


@dataclass
class CableRuntime:
    spec: CableSpec
    switch_if_a: str
    switch_if_b: str
    relay_if_a: str
    relay_if_b: str
    relay: RelayProcess | None = None


@dataclass
class Leftovers:
    bridges: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    processes: list[int] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.bridges or self.links or self.processes)


class ContinuumNet:
    def __init__(
        self,
        spec: TopologySpec,
        controller_ip: str = "127.0.0.1",
        controller_port: int = 6653,
        prefix: str = "sdm",
        shape: bool = True,
    ) -> None:
        if not prefix.isalnum() or len(prefix) > 5:
            raise ValueError("prefix must be 1-5 letters/digits (interface names have 15 characters)")
        self.spec = spec
        self.controller_ip = controller_ip
        self.controller_port = controller_port
        self.prefix = prefix
        self.shape = shape
        self.state_dir = STATE_ROOT / prefix
        self.bridge_of = {s.id: f"{prefix}{i + 1}" for i, s in enumerate(spec.switches)}
        self.host_name_of = {h.id: f"{prefix}h{i + 1}" for i, h in enumerate(spec.hosts)}
        self.cables: dict[str, CableRuntime] = {}
        for i, c in enumerate(spec.cables):
            self.cables[c.id] = CableRuntime(
                spec=c,
                switch_if_a=f"{self.bridge_of[c.a_node]}-eth{c.a_port}",
                switch_if_b=f"{self.bridge_of[c.b_node]}-eth{c.b_port}",
                relay_if_a=f"{prefix}r{i + 1}a",
                relay_if_b=f"{prefix}r{i + 1}b",
            )
        self.net: Mininet | None = None
        self._lock = threading.Lock()

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Builds and starts everything; on any failure tears down what was made and re-raises."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        setLogLevel("error")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        net = Mininet(topo=None, switch=OVSSwitch, controller=None, build=False, autoSetMacs=False,
                      autoStaticArp=False, listenPort=None, waitConnected=False)
        self.net = net
        net.addController(RemoteController("c0", ip=self.controller_ip, port=self.controller_port))
        for s in self.spec.switches:
            net.addSwitch(self.bridge_of[s.id], dpid=s.dpid, datapath="user", protocols="OpenFlow13",
                          failMode="secure")
        for h in self.spec.hosts:
            host = net.addHost(self.host_name_of[h.id], ip=None, mac=h.mac)
            link = net.addLink(host, net.get(self.bridge_of[h.node]), port1=0, port2=h.port)
            sh("sysctl", "-qw", f"net.ipv6.conf.{link.intf2.name}.disable_ipv6=1")
        for rt in self.cables.values():
            c = rt.spec
            for sw_if, relay_if, node, port in ((rt.switch_if_a, rt.relay_if_a, c.a_node, c.a_port),
                                                 (rt.switch_if_b, rt.relay_if_b, c.b_node, c.b_port)):
                add_veth(sw_if, relay_if)
                sh("sysctl", "-qw", f"net.ipv6.conf.{sw_if}.disable_ipv6=1")
                quiet_l2_port(relay_if)
                Intf(sw_if, node=net.get(self.bridge_of[node]), port=port)
        net.start()
        for h in self.spec.hosts:
            self._configure_host(h)
        for rt in self.cables.values():
            for sw_if in (rt.switch_if_a, rt.switch_if_b):
                disable_offloads(sw_if)
                if self.shape:
                    shape_egress(sw_if, rt.spec.capacity_mbps)
            rt.relay = RelayProcess(rt.relay_if_a, rt.relay_if_b, rt.spec.latency_ms, rt.spec.latency_ms,
                                    str(self.state_dir))
        self._write_state()

    def _configure_host(self, h) -> None:
        host = self.net.get(self.host_name_of[h.id])
        intf = host.defaultIntf().name
        # Userspace OVS does not fill in checksums left to offload: TCP would fail.
        host.cmd(f"ethtool -K {intf} tx off")
        has_v6 = any(ipaddress.ip_interface(a).version == 6 for a in h.addresses)
        if not has_v6:
            host.cmd(f"sysctl -qw net.ipv6.conf.{intf}.disable_ipv6=1")
        for addr in h.addresses:
            v6 = ipaddress.ip_interface(addr).version == 6
            out = host.cmd(f"ip {'-6 ' if v6 else ''}addr add {addr} dev {intf}{' nodad' if v6 else ''}")
            if out.strip():
                raise CommandError(f"{h.id}: cannot add address {addr}: {out.strip()}")
        # Endpoints of different prefixes reach each other only through the controller's
        # rules: send everything out of the one interface and let ARP/ND resolve on-link.
        host.cmd(f"ip route add default dev {intf}")
        if has_v6:
            host.cmd(f"ip -6 route add default dev {intf}")

    def stop(self) -> Leftovers:
        """Tears down everything this instance made (even after a failed start) and
        reports anything that is still there afterwards."""
        with self._lock:
            for rt in self.cables.values():
                if rt.relay is not None:
                    rt.relay.stop()
            if self.net is not None:
                try:
                    self.net.stop()
                except Exception as e:  # keep going: the sweep below removes what is left
                    print(f"mininet stop: {e}", file=sys.stderr)
                self.net = None
            for bridge in self.bridge_of.values():
                subprocess.run(["ovs-vsctl", "--timeout=10", "--if-exists", "del-br", bridge], capture_output=True)
            for name in self._our_links():
                delete_link(name)
            shutil.rmtree(self.state_dir, ignore_errors=True)
            return self.leftovers()

    def leftovers(self) -> Leftovers:
        left = Leftovers()
        out = subprocess.run(["ovs-vsctl", "--timeout=10", "list-br"], capture_output=True, text=True).stdout
        existing = set(out.split())
        left.bridges = [b for b in self.bridge_of.values() if b in existing]
        left.links = [n for n in self._our_links() if link_exists(n)]
        left.processes = [rt.relay.pid for rt in self.cables.values() if rt.relay is not None and rt.relay.running()]
        for name in self.host_name_of.values():
            res = subprocess.run(["pgrep", "-f", f"^bash .*mininet:{name}$"], capture_output=True, text=True)
            left.processes += [int(p) for p in res.stdout.split()]
        return left

    def _our_links(self) -> list[str]:
        names = []
        for rt in self.cables.values():
            names += [rt.switch_if_a, rt.switch_if_b, rt.relay_if_a, rt.relay_if_b]
        for h in self.spec.hosts:
            names.append(f"{self.bridge_of[h.node]}-eth{h.port}")
        return names

    # ---- link control ----------------------------------------------------------------------

    def cut(self, cable_id: str, direction: str = "both", mode: str = "silent") -> None:
        """Cuts a cable. "silent": frames are dropped, ports stay up (a fault only probes
        detect). "carrier": both switch ports also lose carrier (what a fibre cut looks
        like to the switches: OFPT_PORT_STATUS with link down)."""
        rt = self._cable(cable_id)
        if mode not in ("silent", "carrier"):
            raise ValueError("mode must be 'silent' or 'carrier'")
        if mode == "carrier" and direction != "both":
            raise ValueError("a carrier cut takes both directions")
        rt.relay.cut(direction)
        if mode == "carrier":
            set_link_up(rt.relay_if_a, False)
            set_link_up(rt.relay_if_b, False)

    def restore(self, cable_id: str, direction: str = "both") -> None:
        rt = self._cable(cable_id)
        if direction == "both":
            set_link_up(rt.relay_if_a, True)
            set_link_up(rt.relay_if_b, True)
        rt.relay.restore(direction)

    def set_delay(self, cable_id: str, delay_ms: float, direction: str = "both") -> None:
        self._cable(cable_id).relay.set_delay(delay_ms, direction)

    def link_stats(self, cable_id: str) -> dict:
        return self._cable(cable_id).relay.stats()

    def _cable(self, cable_id: str) -> CableRuntime:
        rt = self.cables.get(cable_id)
        if rt is None:
            raise KeyError(f"no cable '{cable_id}' (cables: {', '.join(self.cables)})")
        if rt.relay is None:
            raise RelayError(f"cable '{cable_id}' has no running relay (network not started)")
        return rt

    # ---- access for scenarios --------------------------------------------------------------

    def host(self, endpoint_id: str):
        """The Mininet host of an endpoint (use .cmd() / .popen() to run programs in it)."""
        return self.net.get(self.host_name_of[endpoint_id])

    def bridge(self, switch_id: str) -> str:
        return self.bridge_of[switch_id]

    def _write_state(self) -> None:
        state = {
            "prefix": self.prefix,
            "bridges": self.bridge_of,
            "hosts": self.host_name_of,
            "cables": {
                cid: {"relayControl": rt.relay.control_path, "relayIfA": rt.relay_if_a, "relayIfB": rt.relay_if_b,
                      "switchIfA": rt.switch_if_a, "switchIfB": rt.switch_if_b, "latencyMs": rt.spec.latency_ms,
                      "capacityMbps": rt.spec.capacity_mbps}
                for cid, rt in self.cables.items()
            },
        }
        (self.state_dir / "state.json").write_text(json.dumps(state, indent=2))


# ---- CLI -------------------------------------------------------------------------------------

def _relay_command(prefix: str, cable_id: str, text: str) -> str:
    """Talks to a running network's relay (started by `up` in another process)."""
    import socket

    state_file = STATE_ROOT / prefix / "state.json"
    if not state_file.exists():
        raise SystemExit(f"no running emulation with prefix '{prefix}' ({state_file} missing)")
    cables = json.loads(state_file.read_text())["cables"]
    if cable_id not in cables:
        raise SystemExit(f"no cable '{cable_id}' (cables: {', '.join(cables)})")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("")
        sock.settimeout(2)
        sock.sendto(text.encode(), cables[cable_id]["relayControl"])
        return sock.recv(4096).decode()


def _cli_link(args) -> int:
    state = json.loads((STATE_ROOT / args.prefix / "state.json").read_text()) if args.cable else None
    if args.cmd == "stats":
        cables = [args.cable] if args.cable else list(
            json.loads((STATE_ROOT / args.prefix / "state.json").read_text())["cables"])
        for cid in cables:
            print(f"{cid}: {_relay_command(args.prefix, cid, 'stats')}")
        return 0
    cable = state["cables"].get(args.cable) if state else None
    if args.cmd == "delay":
        reply = _relay_command(args.prefix, args.cable, f"delay {args.direction} {args.ms}")
    elif args.cmd == "cut":
        reply = _relay_command(args.prefix, args.cable, f"cut {args.direction}")
        if args.mode == "carrier" and cable:
            set_link_up(cable["relayIfA"], False)
            set_link_up(cable["relayIfB"], False)
    else:
        if cable and args.direction == "both":
            set_link_up(cable["relayIfA"], True)
            set_link_up(cable["relayIfB"], True)
        reply = _relay_command(args.prefix, args.cable, f"restore {args.direction}")
    print(reply)
    return 0 if reply == "ok" else 1


def _cli_up(args) -> int:
    net = ContinuumNet(load_topology(args.topology), controller_port=args.controller_port, prefix=args.prefix)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    net.start()
    try:
        print(f"network up: {len(net.spec.switches)} switches, {len(net.spec.hosts)} hosts, "
              f"{len(net.cables)} cables; state in {net.state_dir / 'state.json'}; Ctrl-C tears down", flush=True)
        stop.wait()
    finally:
        left = net.stop()
    if not left.empty():
        print(f"left behind: {left}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Mininet emulation of a continuum topology with real link delays")
    ap.add_argument("--prefix", default="sdm", help="name prefix of everything the network creates")
    sub = ap.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("up", help="build the network and keep it up until interrupted")
    up.add_argument("--topology", required=True)
    up.add_argument("--controller-port", type=int, default=6653)
    for name in ("cut", "restore"):
        p = sub.add_parser(name, help=f"{name} a cable of a running network")
        p.add_argument("cable")
        p.add_argument("--direction", choices=("ab", "ba", "both"), default="both")
        if name == "cut":
            p.add_argument("--mode", choices=("silent", "carrier"), default="silent")
    d = sub.add_parser("delay", help="change a cable's one-way delay")
    d.add_argument("cable")
    d.add_argument("ms", type=float)
    d.add_argument("--direction", choices=("ab", "ba", "both"), default="both")
    s = sub.add_parser("stats", help="relay counters of one or all cables")
    s.add_argument("cable", nargs="?")
    args = ap.parse_args(argv)
    if args.cmd == "up":
        return _cli_up(args)
    if args.cmd == "cut" and args.mode == "carrier" and args.direction != "both":
        ap.error("a carrier cut takes both directions")
    return _cli_link(args)


if __name__ == "__main__":
    sys.exit(main())
