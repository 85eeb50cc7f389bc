#!/usr/bin/python3
"""Golden P4Runtime encodings from an independent encoder (Google's protobuf runtime for Python).

Compiles the project's protos with protoc into a temporary directory, builds a few messages by hand
from the P4Runtime specification (ids from p4/sdnc_lsp.p4info.txtpb, canonical bytestrings written
out literally), and prints their serialized bytes as hex in JSON. Run from the repository root:

    /usr/bin/python3 test/unit/southbound/p4runtime/golden/gen_golden.py > test/unit/southbound/p4runtime/golden/golden.json

Needs Debian's protobuf-compiler and python3-protobuf.
"""
import importlib
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..'))
PROTO = os.path.join(ROOT, 'p4', 'proto')
FILES = ['p4/v1/p4runtime.proto', 'p4/v1/p4data.proto', 'p4/config/v1/p4info.proto',
         'p4/config/v1/p4types.proto', 'google/rpc/status.proto']

CLASSIFY, LABEL_FORWARD, NEXT_HOP = 0x02000001, 0x02000002, 0x02000003
PUSH_LABEL, FORWARD, SWAP_LABEL, BOUNCE_LABEL = 0x01000001, 0x01000007, 0x0100000B, 0x0100000C
FF_SELECTOR, LSP_METER = 0x11000001, 0x14000001


def main():
    out_dir = tempfile.mkdtemp()
    subprocess.run(['protoc', '-I' + PROTO, '-I/usr/include', '--python_out=' + out_dir] + FILES, check=True)
    # No __init__.py files: the generated google/rpc joins the installed google namespace package.
    sys.path.insert(0, out_dir)
    p4r = importlib.import_module('p4.v1.p4runtime_pb2')

    golden = {}

    # Ingress classifier: in_port 1, eth_type 0x0800, ipv4 10.0.0.1/32 -> 10.0.0.2/32, priority 30064,
    # push_label(vid 100, port 2, meter 100); metadata = version 1, table 0, priority, cookie 7.
    e = p4r.TableEntry(table_id=CLASSIFY, priority=30064)
    for fid, value, mask in [(1, b'\x01', b'\x01\xff'), (4, b'\x08\x00', b'\xff\xff'),
                             (6, b'\x0a\x00\x00\x01', b'\xff\xff\xff\xff'), (7, b'\x0a\x00\x00\x02', b'\xff\xff\xff\xff')]:
        m = e.match.add(field_id=fid)
        m.ternary.value = value
        m.ternary.mask = mask
    e.action.action.action_id = PUSH_LABEL
    for pid, value in [(1, b'\x64'), (2, b'\x02'), (3, b'\x64')]:
        e.action.action.params.add(param_id=pid, value=value)
    e.metadata = bytes([1, 0]) + (30064).to_bytes(4, 'big') + (7).to_bytes(8, 'big')
    golden['classify_push_label'] = e.SerializeToString().hex()

    # Transit: label_forward in_port 1, vid 100 -> forward(2); exact fields, no priority.
    t = p4r.TableEntry(table_id=LABEL_FORWARD)
    t.match.add(field_id=1).exact.value = b'\x01'
    t.match.add(field_id=2).exact.value = b'\x64'
    t.action.action.action_id = FORWARD
    t.action.action.params.add(param_id=1, value=b'\x02')
    t.metadata = bytes([1, 0]) + (20000).to_bytes(4, 'big') + (7).to_bytes(8, 'big')
    golden['label_forward'] = t.SerializeToString().hex()

    # The same two as one WriteRequest (device 1, election id 1, ROLLBACK_ON_ERROR).
    w = p4r.WriteRequest(device_id=1, atomicity=p4r.WriteRequest.ROLLBACK_ON_ERROR)
    w.election_id.low = 1
    w.updates.add(type=p4r.Update.INSERT).entity.table_entry.CopyFrom(e)
    w.updates.add(type=p4r.Update.INSERT).entity.table_entry.CopyFrom(t)
    golden['write_request'] = w.SerializeToString().hex()

    # Crankback group 100 on a transit switch: member 1600 forward(2) watching 2, member 1601
    # bounce_label(101) watching 1.
    g = p4r.ActionProfileGroup(action_profile_id=FF_SELECTOR, group_id=100, max_size=2)
    g.members.add(member_id=1600, weight=1, watch_port=b'\x02')
    g.members.add(member_id=1601, weight=1, watch_port=b'\x01')
    golden['ff_group'] = g.SerializeToString().hex()
    mem = p4r.ActionProfileMember(action_profile_id=FF_SELECTOR, member_id=1601)
    mem.action.action_id = BOUNCE_LABEL
    mem.action.params.add(param_id=1, value=b'\x65')
    golden['ff_member_bounce'] = mem.SerializeToString().hex()

    # Meter cell 100: 10 Mbit/s, 500 kbit burst, in bytes.
    me = p4r.MeterEntry(meter_id=LSP_METER)
    me.index.index = 100
    me.config.cir, me.config.cburst, me.config.pir, me.config.pburst = 1250000, 62500, 1250000, 62500
    golden['meter_entry'] = me.SerializeToString().hex()

    # PacketOut to port 258 and the arbitration request of device 1, election id 1.
    po = p4r.StreamMessageRequest()
    po.packet.payload = b'frame'
    po.packet.metadata.add(metadata_id=1, value=b'\x01\x02')
    po.packet.metadata.add(metadata_id=2, value=b'\x00')
    golden['packet_out'] = po.SerializeToString().hex()
    arb = p4r.StreamMessageRequest()
    arb.arbitration.device_id = 1
    arb.arbitration.election_id.low = 1
    golden['arbitration'] = arb.SerializeToString().hex()

    json.dump(golden, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
