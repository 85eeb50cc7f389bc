#!/usr/bin/python3
"""os-ken side of `bench/openflow-codec-bench.ts`: the same OpenFlow 1.3 work through os-ken's parser.

Reads one JSON object on stdin: {"durationS": float, "decode": {kind: hex, ...}}. Times, inside this
process, serializing a FLOW_MOD built with os-ken's classes (the same fields as the TypeScript side)
and parsing each given message. Prints one JSON line: per-kind operations per second, the FLOW_MOD
bytes os-ken produced (so the caller can check both sides did the same work) and entry counts.
"""

import json
import struct
import sys
import time

from os_ken.ofproto import ofproto_parser
from os_ken.ofproto import ofproto_v1_3 as ofp
from os_ken.ofproto import ofproto_v1_3_parser as p


class Datapath:
    ofproto = ofp
    ofproto_parser = p
    id = 1


DP = Datapath()


def build_flow_mod():
    match = p.OFPMatch(
        in_port=1, eth_dst=('00:11:22:33:44:00', 'ff:ff:ff:ff:ff:00'), eth_src='aa:bb:cc:dd:ee:ff', eth_type=0x0800,
        ip_proto=6, ipv4_src=('10.0.1.0', '255.255.255.0'), ipv4_dst='192.0.2.7', tcp_src=12345, tcp_dst=443)
    instructions = [
        p.OFPInstructionMeter(7),
        p.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS, [
            p.OFPActionPushVlan(0x8100), p.OFPActionSetField(vlan_vid=0x1000 | 42), p.OFPActionDecNwTtl(),
            p.OFPActionOutput(2, 0)]),
        p.OFPInstructionGotoTable(1),
    ]
    msg = p.OFPFlowMod(
        DP, cookie=0x123456789ABCDEF0, cookie_mask=0, table_id=0, command=ofp.OFPFC_ADD, idle_timeout=30,
        hard_timeout=300, priority=1000, buffer_id=ofp.OFP_NO_BUFFER, out_port=ofp.OFPP_ANY, out_group=ofp.OFPG_ANY,
        flags=ofp.OFPFF_SEND_FLOW_REM | ofp.OFPFF_CHECK_OVERLAP, match=match, instructions=instructions)
    msg.set_xid(10)
    return msg


def encode_flow_mod():
    # A controller builds the message object and serializes it for every send.
    msg = build_flow_mod()
    msg.serialize()
    return msg.buf


def decode(buf):
    version, msg_type, msg_len, xid = struct.unpack_from(ofp.OFP_HEADER_PACK_STR, buf, 0)
    return ofproto_parser.msg(DP, version, msg_type, msg_len, xid, buf)


def rate(fn, duration_s):
    for _ in range(50):
        fn()
    n = 0
    start = time.perf_counter()
    deadline = start + duration_s
    while True:
        for _ in range(100):
            fn()
        n += 100
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def main():
    req = json.load(sys.stdin)
    duration_s = float(req.get('durationS', 0.5))
    out = {'encode': {}, 'decode': {}, 'entries': {}}
    out['flowModHex'] = bytes(encode_flow_mod()).hex()
    out['encode']['flowMod'] = rate(encode_flow_mod, duration_s)
    for kind, hexstr in req['decode'].items():
        buf = bytes.fromhex(hexstr)
        parsed = decode(buf)
        body = getattr(parsed, 'body', None)
        out['entries'][kind] = len(body) if isinstance(body, list) else 1
        out['decode'][kind] = rate(lambda b=buf: decode(b), duration_s)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
