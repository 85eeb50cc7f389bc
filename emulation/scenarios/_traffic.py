"""Traffic the scenarios observe the network with: a background ping at a fixed interval whose
every reply is timestamped (loss, outages, time to the first reply after an event), and iperf3 UDP
flows at a fixed rate (throughput the receiver saw)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

_REPLY = re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from [^:]+: icmp_seq=(\d+) ttl=\d+ time=([\d.]+) ms")
_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) received")


@dataclass(frozen=True)
class Reply:
    seq: int
    received_at: float  # wall clock, seconds (ping -D)
    rtt_ms: float

    @property
    def sent_at(self) -> float:
        return self.received_at - self.rtt_ms / 1000


@dataclass
class PingLog:
    interval_s: float
    replies: list[Reply]
    transmitted: int
    stopped_at: float

    @property
    def lost(self) -> int:
        """Requests never answered. The last few may still be in flight when ping was stopped: they
        count only when nothing at all came back in the last second."""
        seqs = {r.seq for r in self.replies}
        if not seqs:
            return self.transmitted
        top = max(seqs)
        missing = top - len(seqs)
        last = max(r.received_at for r in self.replies)
        if self.stopped_at - last > 1.0:
            missing += self.transmitted - top
        return missing

    def longest_gap_ms(self) -> float:
        """Longest time between two consecutive replies: the outage a user saw."""
        times = sorted(r.received_at for r in self.replies)
        return max((b - a for a, b in zip(times, times[1:])), default=float("inf")) * 1000

    def first_sent_after(self, t: float) -> Reply | None:
        """The first reply to a request sent after `t` (wall clock): it took whatever path was
        forwarding after the event."""
        later = [r for r in self.replies if r.sent_at > t]
        return min(later, key=lambda r: r.received_at) if later else None

    def lost_sent_between(self, t0: float, t1: float) -> int:
        """Unanswered requests whose send time (interpolated from the reply before them and the
        interval) falls in [t0, t1)."""
        seqs = {r.seq: r for r in self.replies}
        if not seqs:
            return 0
        lost, last = 0, None
        for seq in range(1, max(seqs) + 1):
            if seq in seqs:
                last = seqs[seq]
                continue
            sent = (last.sent_at + (seq - last.seq) * self.interval_s) if last else None
            if sent is not None and t0 <= sent < t1:
                lost += 1
        return lost

    def between(self, t0: float, t1: float) -> list[Reply]:
        return [r for r in self.replies if t0 <= r.received_at <= t1]

    def summary(self) -> str:
        return (f"{self.lost} of {self.transmitted} lost at {self.interval_s * 1000:g} ms interval, "
                f"longest gap {self.longest_gap_ms():.0f} ms")


class PingRecorder:
    """ping -D -i INTERVAL in a host, until stop(). Output goes to a file: a pipe would fill up and
    stall ping within seconds at 100 requests a second."""

    def __init__(self, host, dst: str, interval_s: float = 0.01) -> None:
        self.interval_s = interval_s
        self._out = tempfile.NamedTemporaryFile(prefix="sdnc-ping-", suffix=".log", delete=False)
        self._proc = host.popen(["ping", "-D", "-n", "-i", f"{interval_s:g}", dst],
                                stdout=self._out, stderr=subprocess.STDOUT)

    def stop(self) -> PingLog:
        stopped_at = time.time()
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGINT)
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=5)
        self._out.close()
        path = Path(self._out.name)
        text = path.read_text(errors="replace")
        path.unlink(missing_ok=True)
        replies: dict[int, Reply] = {}
        for line in text.splitlines():
            m = _REPLY.match(line)
            if m and int(m.group(2)) not in replies:  # duplicates (DUP!) count once
                replies[int(m.group(2))] = Reply(int(m.group(2)), float(m.group(1)), float(m.group(3)))
        s = _SUMMARY.search(text)
        transmitted = int(s.group(1)) if s else max(replies, default=0)
        return PingLog(self.interval_s, sorted(replies.values(), key=lambda r: r.seq), transmitted, stopped_at)


class UdpFlow:
    """One iperf3 UDP flow at a fixed offered rate, 1400-byte datagrams. The constructor starts the
    receiver, start() the sender (so that several flows start together), result() is the rate the
    receiver got (payload bits, as iperf3 counts them)."""

    DATAGRAM_BYTES = 1400

    def __init__(self, src_host, dst_host, dst_ip: str, rate_mbps: float, seconds: float, port: int) -> None:
        self.seconds = seconds
        self._server = dst_host.popen(["iperf3", "-s", "-1", "-p", str(port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._argv = ["iperf3", "-c", dst_ip, "-p", str(port), "-u", "-b", f"{rate_mbps:g}M",
                      "-l", str(self.DATAGRAM_BYTES), "-t", f"{seconds:g}", "-J"]
        self._src = src_host
        self._client = None

    def start(self) -> UdpFlow:
        self._client = self._src.popen(self._argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return self

    def result(self) -> tuple[float | None, str]:
        """(received Mbit/s, '') or (None, why it failed)."""
        if self._client is None:
            self.start()
        try:
            out, err = self._client.communicate(timeout=self.seconds + 20)
        except subprocess.TimeoutExpired:
            self._client.kill()
            self._client.communicate()
            return None, "iperf3 client did not finish"
        finally:
            self._stop_server()
        try:
            doc = json.loads(out)
        except ValueError:
            return None, f"iperf3: {(err or out)[:120]!r}"
        if "error" in doc:
            return None, f"iperf3: {doc['error']}"
        return doc["end"]["sum_received"]["bits_per_second"] / 1e6, ""

    def _stop_server(self) -> None:
        try:
            self._server.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self._server.kill()
            self._server.wait(timeout=3)
