#!/usr/bin/env bash
# Installs the Debian packages the integration tests and emulation need, and starts Open vSwitch.
# Idempotent: does nothing that is already done. Needs root (CI runs as root).
set -euo pipefail

pkgs=(openvswitch-switch iproute2 iputils-ping iperf3 ethtool tshark python3-os-ken chromium mininet
      python3-networkx python3-igraph libboost-graph-dev python3-yaml gcc libc6-dev
      protobuf-compiler python3-protobuf openssl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Open vSwitch: userspace datapath only (this kernel has no openvswitch module).
if [ "$(id -u)" -eq 0 ] && ! ovs-vsctl --timeout=2 show >/dev/null 2>&1; then
  /usr/share/openvswitch/scripts/ovs-ctl start --system-id=random >/dev/null 2>&1 || true
  ovs-vsctl --timeout=5 show >/dev/null
fi
