"""What scenarios are made of: checks, the context they run in, the controller process
and a small client for its REST API.

A scenario is a module in emulation/scenarios/ with
    NAME: str
    DESCRIPTION: str
    NEEDS_CONTROLLER: bool   # False: runs before the controller starts, on static flows
    ORDER: int               # optional, default 10: scenarios run in this order, then by file name
    def run(ctx: ScenarioContext) -> list[Check]
and must leave the network as it found it (restore what it cuts).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from continuum_net import ContinuumNet


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    measured: str
    bound: str


def within(measured: float, expected: float, abs_tol: float, rel_tol: float) -> bool:
    """|measured - expected| <= max(abs_tol, rel_tol * expected)."""
    return abs(measured - expected) <= max(abs_tol, rel_tol * abs(expected))


def ping_rtts(host, dst: str, count: int = 20, interval_s: float = 0.05) -> list[float]:
    out = host.cmd(f"ping -n -c {count} -i {interval_s} -W 1 {dst}")
    return [float(m) for m in re.findall(r"time=([\d.]+) ms", out)]


def free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApiError(RuntimeError):
    pass


class RestClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, path: str, body: Any = None, timeout_s: float = 5.0) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers={"content-type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(req, timeout=timeout_s) as res:
                raw = res.read()
                return res.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode(errors="replace")
        except (urllib.error.URLError, OSError) as e:
            raise ApiError(f"{method} {path}: {e}") from e

    def get(self, path: str) -> Any:
        status, body = self.request("GET", path)
        if status != 200:
            raise ApiError(f"GET {path} -> {status}: {body}")
        return body


class ControllerProcess:
    """The controller built from this checkout, run as a child process."""

    def __init__(self, argv: list[str], cwd: Path, log_path: Path) -> None:
        self.argv = argv
        self.cwd = cwd
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, api: RestClient, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.running():
                return False
            try:
                status, _ = api.request("GET", "/healthz", timeout_s=1)
                if status == 200:
                    return True
            except ApiError:
                pass
            time.sleep(0.2)
        return False

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM to the controller's process group, then SIGKILL if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=timeout_s)

    def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown code runs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def restart(self, api: RestClient, timeout_s: float = 30.0) -> bool:
        self.stop()
        self.start()
        return self.wait_ready(api, timeout_s)

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class ScenarioContext:
    net: ContinuumNet
    api: RestClient | None
    controller: ControllerProcess | None
    openflow_port: int

    @property
    def spec(self):
        return self.net.spec

    def wait_for(self, predicate, timeout_s: float, interval_s: float = 0.5):
        """Polls predicate() until it returns something truthy or time runs out; returns the last value."""
        deadline = time.monotonic() + timeout_s
        value = predicate()
        while not value and time.monotonic() < deadline:
            time.sleep(interval_s)
            value = predicate()
        return value
