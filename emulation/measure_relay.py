#!/usr/bin/python3
"""Measures how faithfully the delay relay holds its configured delay.

Two network namespaces joined only through the relay:

    ns A [sdm-a0] == [sdm-a1] -- delay-relay -- [sdm-b1] == [sdm-b0] ns B

For each one-way delay (default 0, 5, 10, 25 ms, the same in both directions) it
measures idle ping RTTs, then a UDP iperf3 stream at the given rate with pings
running alongside, and reads the relay's own counters (drops, lateness of each
frame against its deadline). The expected RTT is twice the one-way delay; the
0 ms row shows the fixed cost of the namespaces, veths and relay.

Prints a Markdown table; exits 1 when a row misses the bounds (RTT error within
+-0.5 ms per direction, i.e. +-1 ms per round trip, and no loss under load).

Run as root:  /usr/bin/python3 emulation/measure_relay.py [--delays 0,5,10,25] [--rate-mbps 50]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from netutil import add_netns, add_veth, delete_link, delete_netns, quiet_l2_port, sh  # noqa: E402
from relay_process import RelayProcess, make_control_dir  # noqa: E402

NS_A, NS_B = "sdnc-emu-rm-a", "sdnc-emu-rm-b"
ADDR_A, ADDR_B = "10.250.77.1", "10.250.77.2"
ONE_WAY_TOLERANCE_MS = 0.5


def build() -> None:
    for ns, inner, outer, addr in ((NS_A, "sdm-a0", "sdm-a1", ADDR_A), (NS_B, "sdm-b0", "sdm-b1", ADDR_B)):
        add_netns(ns)
        add_veth(inner, outer)
        sh("ip", "link", "set", "dev", inner, "netns", ns)
        quiet_l2_port(outer)
        sh("ethtool", "-K", inner, "tx", "off", netns=ns)
        sh("ip", "addr", "add", f"{addr}/24", "dev", inner, netns=ns)
        sh("ip", "link", "set", "dev", inner, "up", netns=ns)


def teardown() -> None:
    for ns in (NS_A, NS_B):
        delete_netns(ns)
    for outer in ("sdm-a1", "sdm-b1"):
        delete_link(outer)


def rcvbuf_errors() -> int:
    """UDP datagrams ns B's sockets dropped for want of buffer space (receiver too slow)."""
    lines = [line.split() for line in sh("cat", "/proc/net/snmp", netns=NS_B).splitlines() if line.startswith("Udp:")]
    return int(dict(zip(lines[0][1:], lines[1][1:]))["RcvbufErrors"])


def ping_rtts(count: int, interval_s: float) -> list[float]:
    out = sh("ping", "-n", "-c", str(count), "-i", str(interval_s), "-W", "1", ADDR_B, check=False, netns=NS_A)
    return [float(m) for m in re.findall(r"time=([\d.]+) ms", out)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(delay_ms: float, rate_mbps: float, seconds: int, ctl_dir: str) -> dict:
    relay = RelayProcess("sdm-a1", "sdm-b1", delay_ms, delay_ms, ctl_dir)
    try:
        ping_rtts(3, 0.05)  # ARP and warm-up
        idle = ping_rtts(100, 0.02)
        relay.reset_stats()
        overflow_before = rcvbuf_errors()
        # The traffic tools run at a real-time priority below the relay's: on a busy
        # machine a starved iperf3 receiver would otherwise drop datagrams in its own
        # socket buffer and blame the link.
        server = subprocess.Popen(
            ["ip", "netns", "exec", NS_B, "chrt", "-f", "5", "iperf3", "-s", "-1", "-p", "5201"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(0.3)
        pinger = subprocess.Popen(
            ["ip", "netns", "exec", NS_A, "chrt", "-f", "5", "ping", "-n", "-c", str(int((seconds - 1) / 0.02)), "-i", "0.02",
             "-W", "1", ADDR_B],
            stdout=subprocess.PIPE, text=True,
        )
        client = subprocess.run(
            ["ip", "netns", "exec", NS_A, "chrt", "-f", "5", "iperf3", "-c", ADDR_B, "-p", "5201", "-u", "-b", f"{rate_mbps}M",
             "-t", str(seconds), "-J"],
            capture_output=True, text=True,
        )
        loaded = [float(m) for m in re.findall(r"time=([\d.]+) ms", pinger.communicate(timeout=seconds + 10)[0])]
        server.wait(timeout=10)
        udp = json.loads(client.stdout)["end"]["sum"]
        overflow = rcvbuf_errors() - overflow_before
        stats = relay.stats()
    finally:
        relay.stop()
    expected = 2 * delay_ms
    return {
        "delay_ms": delay_ms,
        "idle_avg": statistics.fmean(idle),
        "idle_p99": percentile(idle, 0.99),
        "idle_max": max(idle),
        "idle_lost": 100 - len(idle),
        "load_avg": statistics.fmean(loaded) if loaded else float("nan"),
        "load_p99": percentile(loaded, 0.99) if loaded else float("nan"),
        "udp_mbps": udp["bits_per_second"] / 1e6,
        "udp_loss_pct": udp["lost_percent"],
        "udp_lost": udp["lost_packets"],
        "receiver_overflow": overflow,
        "udp_jitter_ms": udp["jitter_ms"],
        "late_max_us": max(stats["ab"]["late_max_us"], stats["ba"]["late_max_us"]),
        "late_over_500us": stats["ab"]["late_over_500us"] + stats["ba"]["late_over_500us"],
        "relayed": stats["ab"]["tx"] + stats["ba"]["tx"],
        "relay_drops": sum(stats[d][k] for d in ("ab", "ba") for k in ("drop_full", "drop_oversize", "tx_error")),
        "expected": expected,
    }


def within_bounds(row: dict, base_rtt_ms: float) -> bool:
    # Each direction may be off by the tolerance; the 0 ms row's RTT is the fixed path cost.
    tol = 2 * ONE_WAY_TOLERANCE_MS
    return (
        abs(row["idle_avg"] - base_rtt_ms - row["expected"]) <= tol
        and abs(row["load_avg"] - base_rtt_ms - row["expected"]) <= tol
        and row["udp_lost"] - row["receiver_overflow"] == 0  # nothing lost between the hosts
        and row["relay_drops"] == 0
        and row["idle_lost"] == 0
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--delays", default="0,5,10,25", help="one-way delays in ms, comma-separated")
    ap.add_argument("--rate-mbps", type=float, default=50.0)
    ap.add_argument("--seconds", type=int, default=5)
    args = ap.parse_args()
    delays = [float(d) for d in args.delays.split(",")]
    teardown()
    ctl_dir = make_control_dir("sdnc-relay-measure")
    rows = []
    try:
        build()
        for delay in delays:
            rows.append(measure(delay, args.rate_mbps, args.seconds, ctl_dir))
    finally:
        teardown()
        Path(ctl_dir).rmdir()
    base = rows[0]["idle_avg"] if rows and rows[0]["delay_ms"] == 0 else 0.0
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"Load average after the run (1/5/15 min): {' '.join(load)} on {os.cpu_count()} CPUs\n")
    print(f"| one-way delay | expected RTT | idle RTT avg / p99 / max | RTT under {args.rate_mbps:g} Mbit/s UDP avg / p99 "
          "| UDP throughput | UDP loss (of it: receiver socket overflow) | relay lateness max "
          "| frames >0.5 ms late | relay drops | ok |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    ok = True
    for r in rows:
        passed = within_bounds(r, base)
        ok = ok and passed
        print(f"| {r['delay_ms']:g} ms | {r['expected']:g} ms | {r['idle_avg']:.3f} / {r['idle_p99']:.3f} / "
              f"{r['idle_max']:.3f} ms | {r['load_avg']:.3f} / {r['load_p99']:.3f} ms | {r['udp_mbps']:.1f} Mbit/s "
              f"| {r['udp_loss_pct']:.3f} % ({r['receiver_overflow']} of {r['udp_lost']} datagrams) | {r['late_max_us']:.0f} us | {r['late_over_500us']} of {r['relayed']} "
              f"({100 * r['late_over_500us'] / max(1, r['relayed']):.2f} %) "
              f"| {r['relay_drops']} | {'yes' if passed else 'NO'} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
