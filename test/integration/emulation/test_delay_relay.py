"""The delay relay against real namespaces and veths (run as root):

    ns A [set-a0] == [set-a1] -- delay-relay -- [set-b1] == [set-b0] ns B

Run: /usr/bin/python3 -m unittest discover -s test/integration/emulation
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "emulation"))

from netutil import add_netns, add_veth, delete_link, delete_netns, quiet_l2_port, sh  # noqa: E402
from relay_process import RELAY_BINARY, RelayError, RelayProcess  # noqa: E402

NS_A, NS_B = "sdnc-emu-t-a", "sdnc-emu-t-b"
A, B = "10.250.88.1", "10.250.88.2"

# Sends numbered UDP datagrams as fast as the socket allows.
SENDER = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(i.to_bytes(4, 'big') + bytes(400), (sys.argv[1], 9999))
"""
# Prints the sequence numbers received until 1 s of silence.
RECEIVER = """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind(('0.0.0.0', 9999))
print('bound', flush=True)
s.settimeout(3)
seqs = []
try:
    while True:
        seqs.append(int.from_bytes(s.recv(2048)[:4], 'big'))
        s.settimeout(1)
except socket.timeout:
    pass
print(' '.join(map(str, seqs)))
"""
# Sends one raw 802.1Q-tagged frame (VLAN 7, local experimental EtherType 0x88b5).
VLAN_SENDER = """
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
frame = bytes.fromhex('ffffffffffff' '020000000001' '8100' '0007' '88b5') + b'sdnc-vlan-test'.ljust(46, b'.')
s.send(frame)
"""
# Prints the VLAN id of the first 0x88b5 frame. The kernel moves a received tag into
# PACKET_AUXDATA (struct tpacket_auxdata), so that is where it is read from. Only
# ETH_P_ALL sockets see the tag: it is cleared before protocol handlers run.
VLAN_RECEIVER = """
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.setsockopt(263, 8, 1)  # SOL_PACKET, PACKET_AUXDATA
s.bind((sys.argv[1], 0))
s.settimeout(3)
print('bound', flush=True)
while True:
    data, anc, _, _ = s.recvmsg(2048, 256)
    if data[12:14] != bytes.fromhex('88b5'):
        continue
    for level, kind, blob in anc:
        if level == 263 and kind == 8:
            status, _, _, _, _, tci, _ = struct.unpack('IIIHHHH', blob[:20])
            print(tci & 0xfff if status & 0x10 else 'untagged', data[14:28].decode())
    break
"""


def ping(count: int = 5, dst: str = B, interval: float = 0.05) -> list[float]:
    out = sh("ping", "-n", "-c", str(count), "-i", str(interval), "-W", "1", dst, check=False, netns=NS_A)
    return [float(m) for m in re.findall(r"time=([\d.]+) ms", out)]


@unittest.skipUnless(os.geteuid() == 0 and RELAY_BINARY.exists(), "needs root and the built relay")
class DelayRelayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tearDownNetwork()
        cls.addClassCleanup(cls.tearDownNetwork)
        for ns, inner, outer, addr in ((NS_A, "set-a0", "set-a1", A), (NS_B, "set-b0", "set-b1", B)):
            add_netns(ns)
            add_veth(inner, outer)
            sh("ip", "link", "set", "dev", inner, "netns", ns)
            quiet_l2_port(outer)
            # Checksums in software: the relay forwards frames exactly as they were sent.
            sh("ethtool", "-K", inner, "tx", "off", netns=ns)
            sh("ip", "addr", "add", f"{addr}/24", "dev", inner, netns=ns)
            sh("ip", "link", "set", "dev", inner, "up", netns=ns)
        cls.ctl_dir = tempfile.mkdtemp(prefix="sdnc-relay-test-")

    @classmethod
    def tearDownNetwork(cls) -> None:
        delete_netns(NS_A)
        delete_netns(NS_B)
        delete_link("set-a1")
        delete_link("set-b1")
        if getattr(cls, "ctl_dir", None):
            os.rmdir(cls.ctl_dir)
            cls.ctl_dir = None

    def start_relay(self, ab_ms: float, ba_ms: float) -> RelayProcess:
        relay = RelayProcess("set-a1", "set-b1", ab_ms, ba_ms, self.ctl_dir)
        self.addCleanup(relay.stop)
        ping(2)  # resolve ARP before measuring
        return relay

    def test_holds_the_configured_delay_in_each_direction(self) -> None:
        relay = self.start_relay(0, 0)
        base = min(ping(20, interval=0.02))
        relay.set_delay(2, "ab")
        relay.set_delay(6, "ba")
        rtts = ping(30, interval=0.02)
        self.assertEqual(len(rtts), 30)
        # Round trip = 2 ms + 6 ms + the path's own cost; each direction within +-0.5 ms.
        self.assertLess(abs(sorted(rtts)[15] - base - 8.0), 1.0, rtts)
        stats = relay.stats()
        self.assertEqual(stats["ab"]["delay_us"], 2000.0)
        self.assertEqual(stats["ba"]["delay_us"], 6000.0)
        self.assertLess(stats["ab"]["late_max_us"], 500, stats)

    def test_keeps_order_and_loses_nothing_in_a_burst(self) -> None:
        relay = self.start_relay(3, 3)
        rx = subprocess.Popen(["ip", "netns", "exec", NS_B, "/usr/bin/python3", "-c", RECEIVER],
                              stdout=subprocess.PIPE, text=True)
        self.assertEqual(rx.stdout.readline().strip(), "bound")
        sh("/usr/bin/python3", "-c", SENDER, B, "3000", netns=NS_A)
        seqs = [int(x) for x in rx.communicate(timeout=15)[0].split()]
        self.assertEqual(seqs, list(range(3000)))
        stats = relay.stats()["ab"]
        self.assertEqual(stats["drop_full"], 0)
        self.assertEqual(stats["csum_partial"], 0)

    def test_restores_vlan_tags(self) -> None:
        self.start_relay(1, 1)
        rx = subprocess.Popen(["ip", "netns", "exec", NS_B, "/usr/bin/python3", "-c", VLAN_RECEIVER, "set-b0"],
                              stdout=subprocess.PIPE, text=True)
        self.assertEqual(rx.stdout.readline().strip(), "bound")
        sh("/usr/bin/python3", "-c", VLAN_SENDER, "set-a0", netns=NS_A)
        self.assertEqual(rx.communicate(timeout=10)[0].strip(), "7 sdnc-vlan-test")

    def test_cuts_and_restores_each_direction(self) -> None:
        relay = self.start_relay(1, 1)
        relay.cut("ab")
        self.assertEqual(ping(3), [])
        stats = relay.stats()
        self.assertTrue(stats["ab"]["cut"])
        self.assertFalse(stats["ba"]["cut"])
        self.assertGreaterEqual(stats["ab"]["drop_cut"], 3)
        relay.restore("ab")
        relay.cut("ba")
        self.assertEqual(ping(3), [])
        self.assertGreaterEqual(relay.stats()["ba"]["drop_cut"], 3)  # the replies died on the way back
        relay.restore("both")
        self.assertEqual(len(ping(3)), 3)

    def test_signals_cut_and_restore_both_directions(self) -> None:
        relay = self.start_relay(1, 1)
        os.kill(relay.pid, signal.SIGUSR1)
        time.sleep(0.1)
        self.assertEqual(ping(2), [])
        os.kill(relay.pid, signal.SIGUSR2)
        time.sleep(0.1)
        self.assertEqual(len(ping(2)), 2)

    def test_does_not_relay_its_own_output(self) -> None:
        relay = self.start_relay(1, 1)
        relay.reset_stats()
        ping(4)
        time.sleep(0.5)
        first = relay.stats()
        time.sleep(1.0)
        second = relay.stats()
        # 4 requests one way, 4 replies the other: a frame echoed back would keep counting.
        self.assertEqual(first["ab"]["rx"], second["ab"]["rx"])
        self.assertEqual(first["ba"]["rx"], second["ba"]["rx"])
        self.assertLess(first["ab"]["rx"], 12)

    def test_rejects_bad_commands_and_arguments(self) -> None:
        relay = self.start_relay(0, 0)
        with self.assertRaises(RelayError):
            relay.command("delay sideways 5")
        with self.assertRaises(RelayError):
            relay.command("delay ab -3")
        bad = subprocess.run([str(RELAY_BINARY), "--a", "set-a1", "--b", "set-b1", "--delay-ms", "fast"],
                             capture_output=True, text=True)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--delay-ms takes milliseconds", bad.stderr)
        missing = subprocess.run([str(RELAY_BINARY), "--a", "set-none", "--b", "set-b1"],
                                 capture_output=True, text=True)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no interface set-none", missing.stderr)


if __name__ == "__main__":
    unittest.main()
