"""The network builder against real Open vSwitch and Mininet (run as root), on the
fixture two-routes.yaml: switches, datapath ids and port numbers as in the file, link
delay and capacity, carrier cuts seen by the switch, the CLI, and a clean teardown.

Run: /usr/bin/python3 -m unittest discover -s test/integration/emulation
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "emulation"))

from continuum_net import ContinuumNet  # noqa: E402
from relay_process import RELAY_BINARY  # noqa: E402
from scenario_kit import ping_rtts  # noqa: E402
from static_paths import install_path, plan_path, remove_paths  # noqa: E402
from topology_spec import load_topology  # noqa: E402

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "two-routes.yaml"
PREFIX = "sdx"  # names of this test only: sdx1.., sdxh1.., sdxr1a..
HOST_B = "10.91.2.10"


def ofctl(*args: str) -> str:
    return subprocess.run(["ovs-ofctl", "-O", "OpenFlow13", *args], capture_output=True, text=True, check=True).stdout


@unittest.skipUnless(os.geteuid() == 0 and RELAY_BINARY.exists(), "needs root and the built relay")
class ContinuumNetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.spec = load_topology(FIXTURE)
        # Nothing listens on this port: the switches run on the static flows the tests install.
        cls.net = ContinuumNet(cls.spec, controller_port=1, prefix=PREFIX)
        cls.addClassCleanup(cls.net.stop)
        cls.net.start()

    def test_switches_have_the_files_datapath_ids_and_ports(self) -> None:
        for switch in self.spec.switches:
            bridge = self.net.bridge(switch.id)
            desc = ofctl("show", bridge)
            self.assertIn(f"dpid:{switch.dpid}", desc)
            ports = {c.a_port for c in self.spec.cables if c.a_node == switch.id}
            ports |= {c.b_port for c in self.spec.cables if c.b_node == switch.id}
            ports |= {h.port for h in self.spec.hosts if h.node == switch.id}
            for port in ports:
                self.assertIn(f" {port}({bridge}-eth{port}):", desc)
            cfg = subprocess.run(["ovs-vsctl", "get", "Bridge", bridge, "datapath_type", "fail_mode", "protocols"],
                                 capture_output=True, text=True, check=True).stdout.split()
            self.assertEqual(cfg, ["netdev", "secure", '[OpenFlow13]'])

    def test_hosts_have_their_addresses_and_mac(self) -> None:
        out = self.net.host("host-a").cmd("ip -o addr show; ip -o link show")
        self.assertIn("10.91.1.10/24", out)
        self.assertIn("02:00:00:91:01:0a", out)

    def test_paths_carry_the_cable_delays_and_capacity(self) -> None:
        host = self.net.host("host-a")
        for cables, one_way_ms in ((["direct"], 8.0), (["up-1", "mid", "up-2"], 7.0)):
            remove_paths(self.net.bridge_of)
            install_path(self.net.bridge_of, plan_path(self.spec, "host-a", "host-b", cables))
            ping_rtts(host, HOST_B, count=2)
            rtts = ping_rtts(host, HOST_B, count=20, interval_s=0.03)
            self.assertEqual(len(rtts), 20)
            # Twice the delays plus a few tenths of a millisecond per switch.
            self.assertGreaterEqual(min(rtts), 2 * one_way_ms)
            self.assertLess(min(rtts), 2 * one_way_ms + 2.0, rtts)
        remove_paths(self.net.bridge_of)
        install_path(self.net.bridge_of, plan_path(self.spec, "host-a", "host-b", ["direct"]))
        server = self.net.host("host-b").popen(["iperf3", "-s", "-1", "-p", "5201"])
        time.sleep(0.3)
        out = self.net.host("host-a").cmd(f"iperf3 -c {HOST_B} -p 5201 -t 2 -f m | grep receiver")
        server.wait(timeout=10)
        mbps = float(out.split("Mbits/sec")[0].split()[-1])
        self.assertGreater(mbps, 15.0, out)  # the direct cable is 20 Mbit/s
        self.assertLess(mbps, 21.0, out)

    def test_carrier_cut_takes_the_switch_ports_down_and_restore_brings_them_back(self) -> None:
        self.net.cut("mid", mode="carrier")
        time.sleep(0.5)
        self.assertRegex(ofctl("show", self.net.bridge("via-1")), r" 2\(sdx3-eth2\):[^\n]*\n[^\n]*\n\s+state:\s+LINK_DOWN")
        self.net.restore("mid")
        time.sleep(0.5)
        self.assertRegex(ofctl("show", self.net.bridge("via-1")), r" 2\(sdx3-eth2\):[^\n]*\n[^\n]*\n\s+state:\s+LIVE")

    def test_cli_cuts_one_direction_of_a_running_network(self) -> None:
        cli = [sys.executable, str(ROOT / "emulation" / "continuum_net.py"), "--prefix", PREFIX]
        res = subprocess.run(cli + ["cut", "up-1", "--direction", "ba"], capture_output=True, text=True)
        self.assertEqual(res.stdout.strip(), "ok", res.stderr)
        stats = self.net.link_stats("up-1")
        self.assertTrue(stats["ba"]["cut"])
        self.assertFalse(stats["ab"]["cut"])
        res = subprocess.run(cli + ["restore", "up-1", "--direction", "ba"], capture_output=True, text=True)
        self.assertEqual(res.stdout.strip(), "ok", res.stderr)
        self.assertFalse(self.net.link_stats("up-1")["ba"]["cut"])
        bad = subprocess.run(cli + ["cut", "no-such-cable"], capture_output=True, text=True)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("no cable 'no-such-cable'", bad.stderr)


@unittest.skipUnless(os.geteuid() == 0 and RELAY_BINARY.exists(), "needs root and the built relay")
class TeardownTest(unittest.TestCase):
    def test_stop_leaves_nothing_behind_even_after_a_failed_start(self) -> None:
        spec = load_topology(FIXTURE)
        net = ContinuumNet(spec, controller_port=1, prefix="sdy")
        # Occupy one veth name the builder needs: start must fail and clean up after itself.
        subprocess.run(["ip", "link", "add", "sdyr3a", "type", "veth", "peer", "name", "sdyq3a"], check=True)
        try:
            with self.assertRaises(Exception):
                net.start()
        finally:
            subprocess.run(["ip", "link", "del", "sdyr3a"], capture_output=True)
        self.assertTrue(net.leftovers().empty(), net.leftovers())
        net = ContinuumNet(spec, controller_port=1, prefix="sdy")
        net.start()
        relay_pids = [rt.relay.pid for rt in net.cables.values()]
        left = net.stop()
        self.assertTrue(left.empty(), left)
        for pid in relay_pids:
            self.assertFalse(Path(f"/proc/{pid}").exists(), f"relay {pid} still running")
        self.assertNotIn("sdy1", subprocess.run(["ovs-vsctl", "list-br"], capture_output=True, text=True).stdout.split())


if __name__ == "__main__":
    unittest.main()
