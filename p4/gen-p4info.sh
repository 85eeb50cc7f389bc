#!/usr/bin/env bash
# Encodes the hand-written P4Info text (sdnc_lsp.p4info.txtpb) into the binary the driver loads
# (sdnc_lsp.p4info.bin). Needs protoc (Debian: protobuf-compiler). Run from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
protoc -I"$here/proto" -I/usr/include --encode=p4.config.v1.P4Info p4/config/v1/p4info.proto \
  <"$here/sdnc_lsp.p4info.txtpb" >"$here/sdnc_lsp.p4info.bin"
echo "wrote $here/sdnc_lsp.p4info.bin ($(wc -c <"$here/sdnc_lsp.p4info.bin") bytes)"
