"""The scenarios' measuring instruments, checked against the real things they read (run as root):
the ovs-ofctl readers against an Open vSwitch bridge holding known flows, groups and meters; the
ping recorder against two network namespaces, one of which stops answering for a known time; the
loss arithmetic on literal reply lists.

Run: /usr/bin/python3 -m unittest discover -s test/integration/emulation
"""

from __future__ import annotations

import subprocess
import sys
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "emulation"))
sys.path.insert(1, str(ROOT / "emulation" / "scenarios"))

from _switch_flows import (  # noqa: E402
    all_outputs, first_outputs, flows, group_bucket_packets, group_outputs, meter_rates_kbps, meter_stats,
)
from _traffic import PingLog, PingRecorder, Reply  # noqa: E402
from netutil import add_netns, add_veth, delete_link, delete_netns, sh  # noqa: E402

BRIDGE = "sdhelp0"
NS_A, NS_B = "sdnc-help-a", "sdnc-help-b"
A, B = "10.250.91.1", "10.250.91.2"


def ofctl(*args: str) -> None:
    subprocess.run(["ovs-ofctl", "-O", "OpenFlow13", *args], check=True, capture_output=True)


class SwitchReadersTest(unittest.TestCase):
    """What _switch_flows reads back is what was put on the bridge."""

    @classmethod
    def setUpClass(cls) -> None:
        subprocess.run(["ovs-vsctl", "--if-exists", "del-br", BRIDGE], check=True)
        subprocess.run(["ovs-vsctl", "add-br", BRIDGE, "--", "set", "bridge", BRIDGE, "datapath_type=netdev",
                        "protocols=OpenFlow13", "fail-mode=secure"], check=True)
        for port in (1, 2, 3):
            subprocess.run(["ovs-vsctl", "add-port", BRIDGE, f"{BRIDGE}p{port}", "--", "set", "interface",
                            f"{BRIDGE}p{port}", "type=internal", f"ofport_request={port}"], check=True)
        ofctl("add-meter", BRIDGE, "meter=7,kbps,burst,bands=type=drop,rate=6000,burst_size=300")
        ofctl("add-group", BRIDGE, "group_id=7,type=ff,bucket=watch_port:3,output:3,bucket=watch_port:2,output:2")
        ofctl("add-flow", BRIDGE, "cookie=0x2a,priority=30064,ip,in_port=1,nw_src=10.0.0.1,nw_dst=10.0.0.3,"
                                  "actions=meter:7,push_vlan:0x8100,set_field:4103->vlan_vid,group:7")
        ofctl("add-flow", BRIDGE, "cookie=0x2a,priority=20000,in_port=2,dl_vlan=8,"
                                  "actions=pop_vlan,set_field:00:00:00:00:00:01->eth_dst,output:1")
        ofctl("add-flow", BRIDGE, "cookie=0x2b,priority=20000,in_port=3,dl_vlan=9,actions=output:2")

    @classmethod
    def tearDownClass(cls) -> None:
        subprocess.run(["ovs-vsctl", "--if-exists", "del-br", BRIDGE], check=True)

    def test_flows_of_one_cookie(self) -> None:
        got = flows(BRIDGE, 0x2A)
        self.assertEqual(sorted(f.priority for f in got), [20000, 30064])
        classify = next(f for f in got if f.priority == 30064)
        self.assertEqual(classify.in_port, 1)
        self.assertEqual(classify.groups, {7})
        self.assertEqual(classify.outputs, set())
        self.assertIn("nw_dst=10.0.0.3", classify.match)
        egress = next(f for f in got if f.priority == 20000)
        self.assertEqual((egress.in_port, egress.outputs), (2, {1}))
        self.assertEqual([f.in_port for f in flows(BRIDGE, 0x2B)], [3])
        self.assertEqual(flows(BRIDGE, 0x2C), [])

    def test_group_buckets_in_order(self) -> None:
        groups = group_outputs(BRIDGE)
        self.assertEqual(groups[7], [(3, {3}), (2, {2})])
        classify = next(f for f in flows(BRIDGE, 0x2A) if f.priority == 30064)
        self.assertEqual(first_outputs(classify, groups), {3})
        self.assertEqual(all_outputs(classify, groups), {2, 3})
        self.assertEqual(group_bucket_packets(BRIDGE)[7], [0, 0])

    def test_meters(self) -> None:
        self.assertEqual(meter_rates_kbps(BRIDGE), {7: 6000})
        self.assertEqual(set(meter_stats(BRIDGE)), {7})

    def test_counters_and_age_grow(self) -> None:
        # A packet sent into port 1 that the classifier matches counts on the rule.
        before = next(f for f in flows(BRIDGE, 0x2A) if f.priority == 30064)
        metered, dropped = meter_stats(BRIDGE)[7]
        ofctl("packet-out", BRIDGE, "in_port=1,packet=000000000003000000000001080045000014000100004001f9c3"
                                    "0a0000010a000003,actions=table")
        time.sleep(0.2)
        after = next(f for f in flows(BRIDGE, 0x2A) if f.priority == 30064)
        self.assertEqual(after.n_packets, before.n_packets + 1)
        self.assertGreater(after.duration_s, before.duration_s)
        self.assertEqual(after.identity, before.identity)
        self.assertEqual(meter_stats(BRIDGE)[7], (metered + 1, dropped))


class PingLogArithmeticTest(unittest.TestCase):
    """Loss and timing from literal replies at a 10 ms interval."""

    @staticmethod
    def log(seqs: list[int], transmitted: int, stopped_at: float, rtt_ms: float = 5.0) -> PingLog:
        replies = [Reply(s, 100.0 + s * 0.01 + rtt_ms / 1000, rtt_ms) for s in seqs]
        return PingLog(0.01, replies, transmitted, stopped_at)

    def test_gap_in_the_middle(self) -> None:
        log = self.log([1, 2, 3, 7, 8, 9], transmitted=9, stopped_at=100.2)
        self.assertEqual(log.lost, 3)
        self.assertAlmostEqual(log.longest_gap_ms(), 40.0, places=6)
        self.assertEqual(log.lost_sent_between(100.035, 100.065), 3)
        self.assertEqual(log.lost_sent_between(100.0, 100.035), 0)
        self.assertEqual(log.first_sent_after(100.045).seq, 7)

    def test_requests_in_flight_at_stop_are_not_lost(self) -> None:
        self.assertEqual(self.log([1, 2, 3], transmitted=5, stopped_at=100.1).lost, 0)

    def test_silence_until_the_end_is_loss(self) -> None:
        self.assertEqual(self.log([1, 2, 3], transmitted=300, stopped_at=103.0).lost, 297)
        self.assertEqual(self.log([], transmitted=10, stopped_at=103.0).lost, 10)


class NamespaceHost:
    """The one method of a Mininet host the recorder uses, for a plain network namespace."""

    def __init__(self, ns: str) -> None:
        self.ns = ns

    def popen(self, argv: list[str], **kwargs):
        return subprocess.Popen(["ip", "netns", "exec", self.ns, *argv], **kwargs)


class PingRecorderTest(unittest.TestCase):
    """Two namespaces on a veth; B drops echo requests for a known time."""

    def setUp(self) -> None:
        for ns in (NS_A, NS_B):
            delete_netns(ns)
            add_netns(ns)
        add_veth("sdhelpa", "sdhelpb")
        sh("ip", "link", "set", "sdhelpa", "netns", NS_A)
        sh("ip", "link", "set", "sdhelpb", "netns", NS_B)
        for ns, dev, addr in ((NS_A, "sdhelpa", A), (NS_B, "sdhelpb", B)):
            sh("ip", "addr", "add", f"{addr}/24", "dev", dev, netns=ns)
            sh("ip", "link", "set", dev, "up", netns=ns)

    def tearDown(self) -> None:
        delete_link("sdhelpa", netns=NS_A)
        for ns in (NS_A, NS_B):
            delete_netns(ns)

    def test_outage_is_measured(self) -> None:
        rec = PingRecorder(NamespaceHost(NS_A), B, interval_s=0.01)
        time.sleep(1.0)
        t_down = time.time()
        sh("sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=1", netns=NS_B)
        time.sleep(0.5)
        t_up = time.time()
        sh("sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=0", netns=NS_B)
        time.sleep(1.0)
        log = rec.stop()
        self.assertGreater(len(log.replies), 100)
        # 0.5 s of silence at 10 ms: up to 50 requests unanswered (iputils spaces requests out while
        # replies are missing, so fewer), all of them inside the window.
        self.assertTrue(20 <= log.lost <= 55, log.summary())
        self.assertEqual(log.lost_sent_between(t_down - 0.02, t_up + 0.02), log.lost)
        self.assertTrue(450 <= log.longest_gap_ms() <= 650, log.summary())
        first = log.first_sent_after(t_up)
        self.assertIsNotNone(first)
        self.assertLess(first.received_at - t_up, 0.1)


if __name__ == "__main__":
    unittest.main()
