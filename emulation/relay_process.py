"""Start, steer and stop one delay-relay process (emulation/relay/delay-relay.c).

The relay forwards frames between two interfaces with a one-way delay per direction.
It is steered through its Unix datagram control socket: cut/restore a direction,
change a delay, read counters.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

RELAY_BINARY = Path(__file__).resolve().parent / "relay" / "delay-relay"

DIRECTIONS = ("ab", "ba", "both")


class RelayError(RuntimeError):
    pass


class RelayProcess:
    """One running relay between interfaces `if_a` and `if_b` (both in this namespace)."""

    def __init__(
        self,
        if_a: str,
        if_b: str,
        delay_ab_ms: float,
        delay_ba_ms: float,
        control_dir: str,
        rt_priority: int = 10,
        slots: int = 4096,
    ) -> None:
        if not RELAY_BINARY.exists():
            raise RelayError(f"{RELAY_BINARY} is not built (run: make -C emulation relay)")
        self.if_a = if_a
        self.if_b = if_b
        self.control_path = os.path.join(control_dir, f"relay-{if_a}.sock")
        args = [
            str(RELAY_BINARY),
            "--a", if_a,
            "--b", if_b,
            "--delay-ab-ms", f"{delay_ab_ms}",
            "--delay-ba-ms", f"{delay_ba_ms}",
            "--control", self.control_path,
            "--slots", str(slots),
            "--rt-priority", str(rt_priority),
            "--die-with-parent",
        ]
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            err = self.proc.stderr.read() if self.proc.stderr else ""
            self.proc.wait(timeout=5)
            raise RelayError(f"relay {if_a}<->{if_b} failed to start: {err.strip() or line}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def command(self, text: str, timeout_s: float = 2.0) -> str:
        """Sends one control command and returns the relay's answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            # An abstract autobound address lets the relay answer without a file to clean up.
            sock.bind("")
            sock.settimeout(timeout_s)
            sock.sendto(text.encode(), self.control_path)
            reply = sock.recv(4096).decode()
        if reply.startswith("error"):
            raise RelayError(f"relay {self.if_a}: {reply}")
        return reply

    def cut(self, direction: str = "both") -> None:
        self._check_direction(direction)
        self.command(f"cut {direction}")

    def restore(self, direction: str = "both") -> None:
        self._check_direction(direction)
        self.command(f"restore {direction}")

    def set_delay(self, delay_ms: float, direction: str = "both") -> None:
        self._check_direction(direction)
        self.command(f"delay {direction} {delay_ms}")

    def stats(self) -> dict:
        return json.loads(self.command("stats"))

    def reset_stats(self) -> None:
        self.command("reset-stats")

    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout_s: float = 3.0) -> dict | None:
        """Stops the relay; returns its final counters when it printed them."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout_s)
        err = self.proc.stderr.read() if self.proc.stderr else ""
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        try:
            os.unlink(self.control_path)
        except FileNotFoundError:
            pass
        for line in reversed(err.strip().splitlines()):
            if line.startswith("{"):
                return json.loads(line)
        return None

    @staticmethod
    def _check_direction(direction: str) -> None:
        if direction not in DIRECTIONS:
            raise RelayError(f"direction must be one of {DIRECTIONS}, got {direction!r}")


def make_control_dir(prefix: str) -> str:
    """A private directory for relay control sockets (Unix socket paths are short)."""
    return tempfile.mkdtemp(prefix=f"{prefix}-")


def wait_until(predicate, timeout_s: float, interval_s: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return predicate()
