"""Small wrappers over ip(8), ethtool(8) and sysctl used by the emulation scripts.

Everything here acts only on names the caller passes in; nothing enumerates or
removes interfaces, bridges or namespaces it was not given.
"""

from __future__ import annotations

import subprocess


class CommandError(RuntimeError):
    pass


def sh(*args: str, check: bool = True, netns: str | None = None) -> str:
    """Runs a command (optionally inside a named network namespace) and returns stdout."""
    argv = (["ip", "netns", "exec", netns] if netns else []) + list(args)
    res = subprocess.run(argv, capture_output=True, text=True)
    if check and res.returncode != 0:
        raise CommandError(f"{' '.join(argv)} failed ({res.returncode}): {res.stderr.strip()}")
    return res.stdout


def link_exists(name: str, netns: str | None = None) -> bool:
    return subprocess.run(
        (["ip", "netns", "exec", netns] if netns else []) + ["ip", "link", "show", "dev", name],
        capture_output=True,
    ).returncode == 0


def add_veth(name: str, peer: str) -> None:
    sh("ip", "link", "add", name, "type", "veth", "peer", "name", peer)


def delete_link(name: str, netns: str | None = None) -> None:
    """Deletes an interface if it exists (deleting one veth end removes both)."""
    if link_exists(name, netns):
        sh("ip", "link", "del", "dev", name, check=False, netns=netns)


def quiet_l2_port(name: str, netns: str | None = None) -> None:
    """Makes an interface a silent layer-2 port: no IPv6 (no router solicitations or DAD
    frames leaking into the emulated network) and no offloads, so every frame on it is
    a real on-the-wire frame no larger than the MTU, with its checksums filled in."""
    sh("sysctl", "-qw", f"net.ipv6.conf.{name}.disable_ipv6=1", netns=netns)
    disable_offloads(name, netns)
    sh("ip", "link", "set", "dev", name, "up", netns=netns)


def disable_offloads(name: str, netns: str | None = None) -> None:
    # Userspace OVS forwards frames as they are: a frame whose checksum was left to
    # "hardware" arrives corrupt, and GSO/GRO super-frames exceed the MTU.
    sh("ethtool", "-K", name, "tx", "off", "sg", "off", "tso", "off", "gso", "off", "gro", "off",
       check=False, netns=netns)


def set_link_up(name: str, up: bool, netns: str | None = None) -> None:
    sh("ip", "link", "set", "dev", name, "up" if up else "down", netns=netns)


def shape_egress(name: str, rate_mbps: float) -> None:
    """Limits the interface's egress to rate_mbps with an htb class (netem is absent
    here; htb is what the kernel offers). Replaces whatever root qdisc was there."""
    sh("tc", "qdisc", "replace", "dev", name, "root", "handle", "5:", "htb", "default", "1")
    rate = f"{rate_mbps}mbit"
    # A burst of at least one MTU per tick keeps htb accurate at low rates.
    burst_bytes = max(15000, int(rate_mbps * 1e6 / 8 / 250))
    sh("tc", "class", "replace", "dev", name, "parent", "5:", "classid", "5:1", "htb",
       "rate", rate, "ceil", rate, "burst", str(burst_bytes), "cburst", str(burst_bytes))


def add_netns(name: str) -> None:
    sh("ip", "netns", "add", name)
    sh("ip", "link", "set", "dev", "lo", "up", netns=name)


def delete_netns(name: str) -> None:
    if name in list_netns():
        sh("ip", "netns", "del", name, check=False)


def list_netns() -> list[str]:
    out = sh("ip", "netns", "list", check=False)
    return [line.split()[0] for line in out.splitlines() if line.strip()]
