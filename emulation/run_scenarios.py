#!/usr/bin/python3
"""Runs the emulation scenarios against the controller built from this checkout.

    1. builds the Mininet network of a topology file (continuum_net.py);
    2. runs the scenarios that need no controller (static flows);
    3. starts the controller (node dist/src/cli/main.js serve ...) on free ports;
    4. runs the scenarios that need it;
    5. tears everything down, even after a failure, and verifies nothing is left
       (bridges, veths, relays, host shells, the controller);
    6. prints a table of every check and exits 1 when any failed.

Scenarios are the modules in emulation/scenarios/ (see scenario_kit.py for the contract).
Run as root:  /usr/bin/python3 emulation/run_scenarios.py [--topology topology/mini.yaml] [--only NAME]
(`make emulate` does this after installing and building what it needs.)
"""

from __future__ import annotations

import argparse
import importlib.util
import shlex
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE / "scenarios"))  # their shared helpers (modules named _*.py)

from continuum_net import ContinuumNet  # noqa: E402
from relay_process import RELAY_BINARY  # noqa: E402
from scenario_kit import Check, ControllerProcess, RestClient, ScenarioContext, free_tcp_port  # noqa: E402
from topology_spec import TopologyError, load_topology  # noqa: E402

# How the controller is started; {placeholders} are filled in by the runner.
CONTROLLER_COMMAND = ("node dist/src/cli/main.js serve --topology {topology} --data-dir {data_dir} "
                      "--openflow-port {openflow_port} --http-port {api_port} --host 127.0.0.1")
CONTROLLER_READY_TIMEOUT_S = 30
SWITCHES_CONNECT_TIMEOUT_S = 20


def discover_scenarios(only: list[str]) -> list:
    """Scenario modules in ORDER (default 10, then file name): discovery before the scenarios
    that route over what it found, a controller restart last."""
    modules = []
    for path in sorted((HERE / "scenarios").glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"scenarios.{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if only and module.NAME not in only:
            continue
        modules.append(module)
    return sorted(modules, key=lambda m: getattr(m, "ORDER", 10))


def run_scenario(module, ctx: ScenarioContext) -> list[Check]:
    try:
        checks = module.run(ctx)
        return checks or [Check("scenario produced checks", False, "none", ">= 1")]
    except Exception as e:  # a crashing scenario is a failed scenario, not a crashed run
        traceback.print_exc()
        return [Check("scenario ran to completion", False, f"{type(e).__name__}: {e}", "no exception")]


def switches_connected(net: ContinuumNet) -> bool:
    return all(net.net.get(bridge).connected() for bridge in net.bridge_of.values())


def print_table(rows: list[tuple[str, Check]]) -> None:
    headers = ("scenario", "check", "measured", "bound", "result")
    data = [(s, c.name, c.measured, c.bound, "PASS" if c.ok else "FAIL") for s, c in rows]
    widths = [max(len(h), *(len(r[i]) for r in data)) if data else len(h) for i, h in enumerate(headers)]
    line = "  ".join("{:<%d}" % w for w in widths)
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for r in data:
        print(line.format(*r))
    failed = sum(1 for _, c in rows if not c.ok)
    print(f"\n{len(rows) - failed} passed, {failed} failed")


def main() -> int:
    ap = argparse.ArgumentParser(description="emulation scenarios against the controller of this checkout")
    ap.add_argument("--topology", default=str(REPO / "topology" / "mini.yaml"))
    ap.add_argument("--only", action="append", default=[], help="run only this scenario (repeatable)")
    ap.add_argument("--prefix", default="sdm", help="name prefix of bridges, hosts and veths")
    ap.add_argument("--controller-command", default=CONTROLLER_COMMAND,
                    help="command line starting the controller; placeholders: {topology} {data_dir} "
                         "{openflow_port} {api_port}")
    args = ap.parse_args()
    # SIGTERM must unwind through the finally blocks below, like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    rows: list[tuple[str, Check]] = []
    if not RELAY_BINARY.exists():
        print(f"{RELAY_BINARY.relative_to(REPO)} is not built: run `make emulate`", file=sys.stderr)
        return 2
    try:
        spec = load_topology(args.topology)
    except TopologyError as e:
        print(f"cannot emulate {args.topology}: {e}", file=sys.stderr)
        return 2
    for note in spec.skipped:
        print(f"not emulated: {note}")
    scenarios = discover_scenarios(args.only)
    openflow_port, api_port = free_tcp_port(), free_tcp_port()
    data_dir = Path(tempfile.mkdtemp(prefix="sdnc-emulate-"))
    net = ContinuumNet(spec, controller_port=openflow_port, prefix=args.prefix)
    controller: ControllerProcess | None = None
    try:
        t0 = time.monotonic()
        net.start()
        rows.append(("network", Check("network built from topology file", True,
                                      f"{len(spec.switches)} switches, {len(spec.hosts)} hosts, "
                                      f"{len(spec.cables)} cables in {time.monotonic() - t0:.1f} s", "builds")))
        ctx = ScenarioContext(net=net, api=None, controller=None, openflow_port=openflow_port)
        for module in (m for m in scenarios if not m.NEEDS_CONTROLLER):
            print(f"== {module.NAME}", flush=True)
            rows += [(module.NAME, c) for c in run_scenario(module, ctx)]

        with_controller = [m for m in scenarios if m.NEEDS_CONTROLLER]
        if with_controller:
            argv = shlex.split(args.controller_command.format(
                topology=Path(args.topology).resolve(), data_dir=data_dir, openflow_port=openflow_port,
                api_port=api_port))
            controller = ControllerProcess(argv, REPO, data_dir / "controller.log")
            api = RestClient(f"http://127.0.0.1:{api_port}")
            controller.start()
            ready = controller.wait_ready(api, CONTROLLER_READY_TIMEOUT_S)
            rows.append(("controller", Check("controller starts and answers /healthz", ready,
                                             "ready" if ready else f"not ready: {controller.log_tail(3)!r}",
                                             f"within {CONTROLLER_READY_TIMEOUT_S} s")))
            if ready:
                connected = ScenarioContext(net, api, controller, openflow_port).wait_for(
                    lambda: switches_connected(net), SWITCHES_CONNECT_TIMEOUT_S)
                rows.append(("controller", Check("switches connect over OpenFlow", bool(connected),
                                                 "all connected" if connected else "not all connected",
                                                 f"within {SWITCHES_CONNECT_TIMEOUT_S} s")))
            ctx = ScenarioContext(net=net, api=api, controller=controller, openflow_port=openflow_port)
            for module in with_controller:
                if not ready:
                    rows.append((module.NAME, Check("scenario ran", False, "controller not running",
                                                    "needs the controller")))
                    continue
                print(f"== {module.NAME}", flush=True)
                rows += [(module.NAME, c) for c in run_scenario(module, ctx)]
            if controller.running() is False and ready:
                rows.append(("controller", Check("controller still running at the end", False, "exited",
                                                 "running")))
    except Exception as e:
        traceback.print_exc()
        rows.append(("runner", Check("runner completed", False, f"{type(e).__name__}: {e}", "no exception")))
    finally:
        if controller is not None:
            controller.stop()
            if controller.proc is not None and controller.proc.returncode not in (0, -signal.SIGTERM, 143):
                print(f"controller log tail:\n{controller.log_tail()}", file=sys.stderr)
        left = net.stop()
        gone = controller is None or not controller.running()
        shutil.rmtree(data_dir, ignore_errors=True)
        rows.append(("teardown", Check("nothing left behind", left.empty() and gone,
                                       "clean" if left.empty() and gone else
                                       f"{left}{'' if gone else ' controller still running'}",
                                       "no bridges, veths, relays, host shells or controller")))
    print()
    print_table(rows)
    return 0 if all(c.ok for _, c in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
