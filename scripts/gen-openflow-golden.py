#!/usr/bin/python3
"""Golden OpenFlow 1.3 messages from an independent implementation (os-ken).

Every fixture's bytes come from os-ken: messages os-ken can send are built with its message classes
and serialized; messages only a switch sends (PACKET_IN, replies) are assembled from os-ken's own
struct layouts (ofproto_v1_3 *_PACK_STR) and its serializers for matches, actions, instructions,
buckets and meter bands. Every fixture is then parsed back by os-ken's parser, and the *parsed*
object is translated into the controller's typed message form ("expected"), so the TypeScript test
compares our decoder against os-ken's decoder and our encoder against os-ken's bytes.

Run with the Debian python that has python3-os-ken:
    /usr/bin/python3 scripts/gen-openflow-golden.py
It rewrites test/fixtures/openflow/messages.json and test/fixtures/openflow/error-names.json.
In "expected", {"$bigint": "N"} is a uint64 and {"$hex": "..."} a byte string.
"""

import json
import os
import struct

from os_ken.ofproto import ofproto_parser
from os_ken.ofproto import ofproto_v1_3 as ofp
from os_ken.ofproto import ofproto_v1_3_parser as p

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'openflow')


class Datapath:
    ofproto = ofp
    ofproto_parser = p
    id = 1


DP = Datapath()

# How each OpenFlow-basic field's value is written in the typed form (A.2.3.7).
MAC_FIELDS = {'eth_dst', 'eth_src', 'arp_sha', 'arp_tha', 'ipv6_nd_sll', 'ipv6_nd_tll'}
IPV4_FIELDS = {'ipv4_src', 'ipv4_dst', 'arp_spa', 'arp_tpa'}
IPV6_FIELDS = {'ipv6_src', 'ipv6_dst', 'ipv6_nd_target'}
BIGINT_FIELDS = {'metadata', 'tunnel_id'}


def big(v):
    return {'$bigint': str(v)}


def hexb(b):
    return {'$hex': bytes(b).hex()}


def ser(obj):
    """Serializes one os-ken sub-structure (match, action, instruction, bucket, band)."""
    buf = bytearray()
    obj.serialize(buf, 0)
    return bytes(buf)


def typed_value(name, v):
    if name in BIGINT_FIELDS:
        return big(v)
    if name in MAC_FIELDS or name in IPV4_FIELDS or name in IPV6_FIELDS:
        return v.lower()
    return v


def typed_oxm(name, uv):
    header = ofp.oxm_from_user_header(name)
    value, mask = (uv if isinstance(uv, tuple) else (uv, None))
    if isinstance(header, int) and header >> 7 == ofp.OFPXMC_OPENFLOW_BASIC and (header & 0x7F) <= 39:
        tlv = {'field': header & 0x7F, 'value': typed_value(name, value)}
        if mask is not None:
            tlv['mask'] = typed_value(name, mask)
        return tlv
    # Not an OpenFlow-basic field: the codec keeps it as the exact TLV bytes os-ken writes.
    raw = ser(p.OFPMatch(**{name: uv}))
    tlv_len = struct.unpack_from('!H', raw, 2)[0] - 4
    tlv = raw[4 : 4 + tlv_len]
    oxm_header = struct.unpack_from('!I', tlv, 0)[0]
    return {
        'field': 'raw',
        'oxmClass': oxm_header >> 16,
        'oxmField': (oxm_header >> 9) & 0x7F,
        'hasMask': bool(oxm_header & 0x100),
        'bytes': hexb(tlv),
    }


def typed_match(match):
    return [typed_oxm(k, v) for (k, v) in match._fields2]


def typed_action(a):
    t = a.type
    if isinstance(a, p.OFPActionOutput):
        return {'type': t, 'port': a.port, 'maxLen': a.max_len}
    if isinstance(a, p.OFPActionGroup):
        return {'type': t, 'groupId': a.group_id}
    if isinstance(a, p.OFPActionSetQueue):
        return {'type': t, 'queueId': a.queue_id}
    if isinstance(a, p.OFPActionSetMplsTtl):
        return {'type': t, 'mplsTtl': a.mpls_ttl}
    if isinstance(a, p.OFPActionSetNwTtl):
        return {'type': t, 'nwTtl': a.nw_ttl}
    if isinstance(a, (p.OFPActionPushVlan, p.OFPActionPushMpls, p.OFPActionPopMpls, p.OFPActionPushPbb)):
        return {'type': t, 'ethertype': a.ethertype}
    if isinstance(a, p.OFPActionSetField):
        return {'type': t, 'field': typed_oxm(a.key, a.value)}
    if t == ofp.OFPAT_EXPERIMENTER:
        return {'type': 'raw', 'actionType': t, 'bytes': hexb(ser(a))}
    return {'type': t}


def typed_instruction(i):
    if isinstance(i, p.OFPInstructionGotoTable):
        return {'type': i.type, 'tableId': i.table_id}
    if isinstance(i, p.OFPInstructionWriteMetadata):
        return {'type': i.type, 'metadata': big(i.metadata), 'metadataMask': big(i.metadata_mask)}
    if isinstance(i, p.OFPInstructionMeter):
        return {'type': i.type, 'meterId': i.meter_id}
    if i.type == ofp.OFPIT_CLEAR_ACTIONS:
        return {'type': i.type}
    return {'type': i.type, 'actions': [typed_action(a) for a in i.actions]}


def typed_bucket(b):
    return {
        'weight': b.weight,
        'watchPort': b.watch_port,
        'watchGroup': b.watch_group,
        'actions': [typed_action(a) for a in b.actions],
    }


def typed_band(b):
    if b.type == ofp.OFPMBT_DSCP_REMARK:
        return {'type': b.type, 'rate': b.rate, 'burstSize': b.burst_size, 'precLevel': b.prec_level}
    return {'type': b.type, 'rate': b.rate, 'burstSize': b.burst_size}


def typed_port(port):
    name = port.name.decode('latin1') if isinstance(port.name, bytes) else port.name
    return {
        'portNo': port.port_no,
        'hwAddr': port.hw_addr,
        'name': name.rstrip('\0'),
        'config': port.config,
        'state': port.state,
        'curr': port.curr,
        'advertised': port.advertised,
        'supported': port.supported,
        'peer': port.peer,
        'currSpeedKbps': port.curr_speed,
        'maxSpeedKbps': port.max_speed,
    }


def desc_str(s):
    return (s.decode('latin1') if isinstance(s, bytes) else s).rstrip('\0')


def typed_multipart_request(m, base):
    base.update({'flags': m.flags, 'mpType': m.type})
    if isinstance(m, (p.OFPFlowStatsRequest, p.OFPAggregateStatsRequest)):
        base.update({
            'tableId': m.table_id,
            'outPort': m.out_port,
            'outGroup': m.out_group,
            'cookie': big(m.cookie),
            'cookieMask': big(m.cookie_mask),
            'match': typed_match(m.match),
        })
    elif isinstance(m, p.OFPPortStatsRequest):
        base['portNo'] = m.port_no
    elif isinstance(m, (p.OFPMeterStatsRequest, p.OFPMeterConfigStatsRequest)):
        base['meterId'] = m.meter_id
    elif isinstance(m, p.OFPGroupStatsRequest):
        base['groupId'] = m.group_id
    return base


def typed_flow_stats(s):
    return {
        'tableId': s.table_id,
        'durationSec': s.duration_sec,
        'durationNsec': s.duration_nsec,
        'priority': s.priority,
        'idleTimeout': s.idle_timeout,
        'hardTimeout': s.hard_timeout,
        'flags': s.flags,
        'cookie': big(s.cookie),
        'packetCount': big(s.packet_count),
        'byteCount': big(s.byte_count),
        'match': typed_match(s.match),
        'instructions': [typed_instruction(i) for i in s.instructions],
    }


PORT_STATS_COUNTERS = [
    ('rxPackets', 'rx_packets'), ('txPackets', 'tx_packets'), ('rxBytes', 'rx_bytes'), ('txBytes', 'tx_bytes'),
    ('rxDropped', 'rx_dropped'), ('txDropped', 'tx_dropped'), ('rxErrors', 'rx_errors'), ('txErrors', 'tx_errors'),
    ('rxFrameErr', 'rx_frame_err'), ('rxOverErr', 'rx_over_err'), ('rxCrcErr', 'rx_crc_err'), ('collisions', 'collisions'),
]


def typed_port_stats(s):
    out = {'portNo': s.port_no}
    for ours, theirs in PORT_STATS_COUNTERS:
        out[ours] = big(getattr(s, theirs))
    out.update({'durationSec': s.duration_sec, 'durationNsec': s.duration_nsec})
    return out


def typed_multipart_reply(m, base):
    base.update({'flags': m.flags, 'mpType': m.type})
    t = m.type
    if t == ofp.OFPMP_DESC:
        b = m.body
        base['body'] = {
            'mfrDesc': desc_str(b.mfr_desc),
            'hwDesc': desc_str(b.hw_desc),
            'swDesc': desc_str(b.sw_desc),
            'serialNum': desc_str(b.serial_num),
            'dpDesc': desc_str(b.dp_desc),
        }
    elif t == ofp.OFPMP_FLOW:
        base['body'] = [typed_flow_stats(s) for s in m.body]
    elif t == ofp.OFPMP_PORT_STATS:
        base['body'] = [typed_port_stats(s) for s in m.body]
    elif t == ofp.OFPMP_PORT_DESC:
        base['body'] = [typed_port(x) for x in m.body]
    elif t == ofp.OFPMP_GROUP_DESC:
        base['body'] = [
            {'groupType': g.type, 'groupId': g.group_id, 'buckets': [typed_bucket(b) for b in g.buckets]} for g in m.body
        ]
    elif t == ofp.OFPMP_METER_CONFIG:
        base['body'] = [
            {'flags': c.flags, 'meterId': c.meter_id, 'bands': [typed_band(b) for b in c.bands]} for c in m.body
        ]
    elif t == ofp.OFPMP_METER:
        base['body'] = [
            {
                'meterId': s.meter_id,
                'flowCount': s.flow_count,
                'packetInCount': big(s.packet_in_count),
                'byteInCount': big(s.byte_in_count),
                'durationSec': s.duration_sec,
                'durationNsec': s.duration_nsec,
                'bandStats': [
                    {'packetBandCount': big(b.packet_band_count), 'byteBandCount': big(b.byte_band_count)}
                    for b in s.band_stats
                ],
            }
            for s in m.body
        ]
    else:
        raise ValueError('no translation for multipart type %d' % t)
    return base


def typed_message(m):
    """Translates an os-ken message object into the controller's typed message form."""
    t = m.msg_type
    base = {'type': t, 'xid': m.xid}
    if t == ofp.OFPT_HELLO:
        base.update({'version': m.version, 'elements': [{'type': e.type, 'bitmaps': e._bitmaps} for e in m.elements]})
    elif t == ofp.OFPT_ERROR:
        base.update({'version': m.version, 'errType': m.type, 'code': m.code, 'data': hexb(m.data)})
    elif t in (ofp.OFPT_ECHO_REQUEST, ofp.OFPT_ECHO_REPLY):
        base['data'] = hexb(m.data or b'')
    elif t == ofp.OFPT_EXPERIMENTER:
        base.update({'experimenter': m.experimenter, 'expType': m.exp_type, 'data': hexb(m.data)})
    elif t == ofp.OFPT_FEATURES_REPLY:
        base.update({
            'datapathId': big(m.datapath_id),
            'nBuffers': m.n_buffers,
            'nTables': m.n_tables,
            'auxiliaryId': m.auxiliary_id,
            'capabilities': m.capabilities,
            'reserved': 0,
        })
    elif t in (ofp.OFPT_GET_CONFIG_REPLY, ofp.OFPT_SET_CONFIG):
        base.update({'flags': m.flags, 'missSendLen': m.miss_send_len})
    elif t == ofp.OFPT_PACKET_IN:
        base.update({
            'bufferId': m.buffer_id,
            'totalLen': m.total_len,
            'reason': m.reason,
            'tableId': m.table_id,
            'cookie': big(m.cookie),
            'match': typed_match(m.match),
            'data': hexb(m.data),
        })
    elif t == ofp.OFPT_FLOW_REMOVED:
        base.update({
            'cookie': big(m.cookie),
            'priority': m.priority,
            'reason': m.reason,
            'tableId': m.table_id,
            'durationSec': m.duration_sec,
            'durationNsec': m.duration_nsec,
            'idleTimeout': m.idle_timeout,
            'hardTimeout': m.hard_timeout,
            'packetCount': big(m.packet_count),
            'byteCount': big(m.byte_count),
            'match': typed_match(m.match),
        })
    elif t == ofp.OFPT_PORT_STATUS:
        base.update({'reason': m.reason, 'desc': typed_port(m.desc)})
    elif t == ofp.OFPT_PACKET_OUT:
        base.update({
            'bufferId': m.buffer_id,
            'inPort': m.in_port,
            'actions': [typed_action(a) for a in m.actions],
            'data': hexb(m.data or b''),
        })
    elif t == ofp.OFPT_FLOW_MOD:
        base.update({
            'cookie': big(m.cookie),
            'cookieMask': big(m.cookie_mask),
            'tableId': m.table_id,
            'command': m.command,
            'idleTimeout': m.idle_timeout,
            'hardTimeout': m.hard_timeout,
            'priority': m.priority,
            'bufferId': m.buffer_id,
            'outPort': m.out_port,
            'outGroup': m.out_group,
            'flags': m.flags,
            'match': typed_match(m.match),
            'instructions': [typed_instruction(i) for i in m.instructions],
        })
    elif t == ofp.OFPT_GROUP_MOD:
        base.update({
            'command': m.command,
            'groupType': m.type,
            'groupId': m.group_id,
            'buckets': [typed_bucket(b) for b in m.buckets],
        })
    elif t == ofp.OFPT_PORT_MOD:
        base.update({
            'portNo': m.port_no,
            'hwAddr': m.hw_addr,
            'config': m.config,
            'mask': m.mask,
            'advertise': m.advertise,
        })
    elif t == ofp.OFPT_TABLE_MOD:
        base.update({'tableId': m.table_id, 'config': m.config})
    elif t == ofp.OFPT_METER_MOD:
        base.update({
            'command': m.command,
            'flags': m.flags,
            'meterId': m.meter_id,
            'bands': [typed_band(b) for b in m.bands],
        })
    elif t in (ofp.OFPT_ROLE_REQUEST, ofp.OFPT_ROLE_REPLY):
        base.update({'role': m.role, 'generationId': big(m.generation_id)})
    elif t in (ofp.OFPT_GET_ASYNC_REPLY, ofp.OFPT_SET_ASYNC):
        base.update({
            'packetInMask': list(m.packet_in_mask),
            'portStatusMask': list(m.port_status_mask),
            'flowRemovedMask': list(m.flow_removed_mask),
        })
    elif t == ofp.OFPT_MULTIPART_REQUEST:
        typed_multipart_request(m, base)
    elif t == ofp.OFPT_MULTIPART_REPLY:
        typed_multipart_reply(m, base)
    return base


def header(msg_type, xid, body):
    return struct.pack(ofp.OFP_HEADER_PACK_STR, ofp.OFP_VERSION, msg_type, 8 + len(body), xid) + body


def from_osken(msg, xid):
    """A message os-ken can send: serialized by os-ken; the object is kept for when os-ken cannot parse it."""
    msg.set_xid(xid)
    msg.serialize()
    return bytes(msg.buf), msg


def parse(buf):
    """os-ken's parser for the message, or None where os-ken only sends this type (no parser registered)."""
    version, msg_type, msg_len, xid = struct.unpack_from(ofp.OFP_HEADER_PACK_STR, buf, 0)
    if p._MSG_PARSERS.get(msg_type) is None:
        return None
    return ofproto_parser.msg(DP, version, msg_type, msg_len, xid, buf)


# A 60-byte Ethernet frame (ARP request 10.0.0.1 -> 10.0.0.2) carried by PACKET_IN / PACKET_OUT.
FRAME = bytes.fromhex(
    'ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002' + '00' * 18
)


def mac(text):
    return bytes.fromhex(text.replace(':', ''))


def port_struct(port_no, hw, name, config, state, curr, speed):
    return struct.pack(
        '!' + ofp._OFP_PORT_PACK_STR, port_no, mac(hw), name.encode(), config, state, curr,
        curr | ofp.OFPPF_AUTONEG, curr | ofp.OFPPF_AUTONEG | ofp.OFPPF_PAUSE, 0, speed, speed,
    )


def multipart_reply(mp_type, xid, body, flags=0):
    return header(ofp.OFPT_MULTIPART_REPLY, xid, struct.pack(ofp.OFP_MULTIPART_REPLY_PACK_STR, mp_type, flags) + body)


def apply(*actions):
    return p.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS, list(actions))


def flow_mod(xid, command, match, instructions, **kw):
    args = dict(
        cookie=0, cookie_mask=0, table_id=0, idle_timeout=0, hard_timeout=0, priority=100,
        buffer_id=ofp.OFP_NO_BUFFER, out_port=ofp.OFPP_ANY, out_group=ofp.OFPG_ANY, flags=0,
    )
    args.update(kw)
    return from_osken(p.OFPFlowMod(DP, command=command, match=match, instructions=instructions, **args), xid)


def flow_stats_entry(table_id, priority, cookie, packets, octets, match, instructions):
    tail = ser(match) + b''.join(ser(i) for i in instructions)
    length = ofp.OFP_FLOW_STATS_0_SIZE + len(tail)
    return struct.pack(
        ofp.OFP_FLOW_STATS_0_PACK_STR, length, table_id, 120, 500000000, priority, 0, 0,
        ofp.OFPFF_SEND_FLOW_REM, cookie, packets, octets,
    ) + tail


def message_fixtures():
    """(name, description, bytes, object-or-None): the object translates messages os-ken cannot parse."""
    fx = []

    def add(name, description, built):
        buf, obj = built if isinstance(built, tuple) else (built, None)
        fx.append((name, description, buf, obj))

    # os-ken's OFPHello serializes no elements, so the bitmap element is packed from the spec layout.
    add('hello-version-bitmap', 'HELLO advertising OpenFlow 1.0 and 1.3 in a version bitmap element',
        header(ofp.OFPT_HELLO, 1, struct.pack('!HHI', ofp.OFPHET_VERSIONBITMAP, 8, (1 << 4) | (1 << 1))))
    add('hello-plain', 'HELLO without elements', from_osken(p.OFPHello(DP), 2))
    add('error-bad-match', 'ERROR OFPET_BAD_MATCH/OFPBMC_BAD_FIELD carrying the offending request header',
        from_osken(p.OFPErrorMsg(DP, type_=ofp.OFPET_BAD_MATCH, code=ofp.OFPBMC_BAD_FIELD,
                                 data=bytes.fromhex('040e00500000002a')), 3))
    add('echo-request', 'ECHO_REQUEST with an 8-byte payload', from_osken(p.OFPEchoRequest(DP, data=b'rtt-0001'), 4))
    add('echo-reply', 'ECHO_REPLY echoing the payload', from_osken(p.OFPEchoReply(DP, data=b'rtt-0001'), 4))
    add('experimenter', 'EXPERIMENTER message with opaque data',
        from_osken(p.OFPExperimenter(DP, experimenter=0x00ABCDEF, exp_type=16, data=b'\x00\x00\x00\x01'), 5))
    add('features-request', 'FEATURES_REQUEST', from_osken(p.OFPFeaturesRequest(DP), 6))
    add('features-reply', 'FEATURES_REPLY of datapath 0x0000163eabcdef01 with 254 tables',
        header(ofp.OFPT_FEATURES_REPLY, 6, struct.pack(
            ofp.OFP_SWITCH_FEATURES_PACK_STR, 0x0000163EABCDEF01, 256, 254, 0,
            ofp.OFPC_FLOW_STATS | ofp.OFPC_TABLE_STATS | ofp.OFPC_PORT_STATS | ofp.OFPC_GROUP_STATS | ofp.OFPC_QUEUE_STATS, 0)))
    add('get-config-request', 'GET_CONFIG_REQUEST', from_osken(p.OFPGetConfigRequest(DP), 7))
    add('get-config-reply', 'GET_CONFIG_REPLY with frag drop and miss_send_len OFPCML_MAX',
        header(ofp.OFPT_GET_CONFIG_REPLY, 7, struct.pack(ofp.OFP_SWITCH_CONFIG_PACK_STR, ofp.OFPC_FRAG_DROP, ofp.OFPCML_MAX)))
    add('set-config', 'SET_CONFIG miss_send_len 128', from_osken(p.OFPSetConfig(DP, ofp.OFPC_FRAG_NORMAL, 128), 8))

    pin_match = p.OFPMatch(in_port=3, eth_type=0x0806)
    add('packet-in', 'PACKET_IN of an ARP frame (action reason, unbuffered, cookie set)',
        header(ofp.OFPT_PACKET_IN, 0, struct.pack(
            ofp.OFP_PACKET_IN_PACK_STR, ofp.OFP_NO_BUFFER, len(FRAME), ofp.OFPR_ACTION, 0, 0xC0FFEE)
            + ser(pin_match) + b'\x00\x00' + FRAME))
    add('packet-out', 'PACKET_OUT of a frame from the controller to port 2',
        from_osken(p.OFPPacketOut(DP, buffer_id=ofp.OFP_NO_BUFFER, in_port=ofp.OFPP_CONTROLLER,
                                  actions=[p.OFPActionOutput(2, 0)], data=FRAME), 9))

    add('flow-mod-ipv4-tcp', 'FLOW_MOD add: in_port, masked eth_dst, eth_src, IPv4 masked src, TCP ports; '
        'meter, apply (push VLAN, set VLAN id, dec TTL, output), goto table',
        flow_mod(10, ofp.OFPFC_ADD, p.OFPMatch(
            in_port=1, eth_dst=('00:11:22:33:44:00', 'ff:ff:ff:ff:ff:00'), eth_src='aa:bb:cc:dd:ee:ff', eth_type=0x0800,
            ip_proto=6, ipv4_src=('10.0.1.0', '255.255.255.0'), ipv4_dst='192.0.2.7', tcp_src=12345, tcp_dst=443),
            [p.OFPInstructionMeter(7), apply(p.OFPActionPushVlan(0x8100), p.OFPActionSetField(vlan_vid=0x1000 | 42),
                                             p.OFPActionDecNwTtl(), p.OFPActionOutput(2, 0)), p.OFPInstructionGotoTable(1)],
            cookie=0x123456789ABCDEF0, idle_timeout=30, hard_timeout=300, priority=1000,
            flags=ofp.OFPFF_SEND_FLOW_REM | ofp.OFPFF_CHECK_OVERLAP))
    add('flow-mod-mpls-transit', 'FLOW_MOD add: MPLS label match; pop MPLS, set queue, output; write group; '
        'clear actions; write metadata',
        flow_mod(11, ofp.OFPFC_ADD, p.OFPMatch(in_port=4, eth_type=0x8847, mpls_label=1001),
                 [apply(p.OFPActionPopMpls(0x0800), p.OFPActionSetQueue(3), p.OFPActionOutput(5, 0)),
                  p.OFPInstructionActions(ofp.OFPIT_WRITE_ACTIONS, [p.OFPActionGroup(9)]),
                  p.OFPInstructionActions(ofp.OFPIT_CLEAR_ACTIONS, []),
                  p.OFPInstructionWriteMetadata(0xDEADBEEF, 0xFFFFFFFF)], table_id=1, priority=2000))
    add('flow-mod-vlan-to-mpls', 'FLOW_MOD add: VLAN id + PCP match; pop VLAN, push MPLS, set label, set eth_dst, '
        'copy/dec TTLs, output in_port',
        flow_mod(12, ofp.OFPFC_ADD, p.OFPMatch(vlan_vid=0x1000 | 100, vlan_pcp=3, eth_type=0x0800),
                 [apply(p.OFPActionPopVlan(), p.OFPActionPushMpls(0x8847), p.OFPActionSetField(mpls_label=2002),
                        p.OFPActionSetField(eth_dst='02:00:00:00:00:09'), p.OFPActionCopyTtlOut(), p.OFPActionSetMplsTtl(64),
                        p.OFPActionDecMplsTtl(), p.OFPActionSetNwTtl(32), p.OFPActionOutput(ofp.OFPP_IN_PORT, 0))]))
    add('flow-mod-ipv6-udp', 'FLOW_MOD add: IPv6 masked src, dst, UDP ports; output to controller, whole packet',
        flow_mod(13, ofp.OFPFC_ADD, p.OFPMatch(
            eth_type=0x86DD, ip_proto=17, ipv6_src=('2001:db8:1::', 'ffff:ffff:ffff::'), ipv6_dst='2001:db8::53',
            udp_src=5353, udp_dst=53), [apply(p.OFPActionOutput(ofp.OFPP_CONTROLLER, ofp.OFPCML_NO_BUFFER))]))
    add('flow-mod-arp', 'FLOW_MOD add: ARP op, masked SPA, TPA, SHA, masked THA; flood',
        flow_mod(14, ofp.OFPFC_ADD, p.OFPMatch(
            eth_type=0x0806, arp_op=1, arp_spa=('10.0.0.0', '255.0.0.0'), arp_tpa='10.0.0.1', arp_sha='02:00:00:00:00:01',
            arp_tha=('02:00:00:00:00:00', 'ff:ff:ff:00:00:00')), [apply(p.OFPActionOutput(ofp.OFPP_FLOOD, 0))]))
    add('flow-mod-modify', 'FLOW_MOD modify by cookie',
        flow_mod(15, ofp.OFPFC_MODIFY, p.OFPMatch(in_port=1), [apply(p.OFPActionOutput(3, 0))],
                 cookie=0x42, cookie_mask=0xFFFFFFFFFFFFFFFF))
    add('flow-mod-modify-strict', 'FLOW_MOD modify strict',
        flow_mod(16, ofp.OFPFC_MODIFY_STRICT, p.OFPMatch(in_port=1), [apply(p.OFPActionOutput(4, 0))], priority=10))
    add('flow-mod-delete-all', 'FLOW_MOD delete every flow of a cookie in all tables',
        flow_mod(17, ofp.OFPFC_DELETE, p.OFPMatch(), [], table_id=ofp.OFPTT_ALL, cookie=0x42,
                 cookie_mask=0xFFFFFFFFFFFFFFFF))
    add('flow-mod-delete-strict', 'FLOW_MOD delete strict filtered by out_port and out_group',
        flow_mod(18, ofp.OFPFC_DELETE_STRICT, p.OFPMatch(in_port=2, eth_type=0x0800), [], priority=500,
                 out_port=5, out_group=9))
    add('flow-mod-raw-items', 'FLOW_MOD with an NXM_1 field (tun_ipv4_src), an ONF experimenter field (pbb_uca) '
        'and an experimenter action: kept as raw bytes',
        flow_mod(19, ofp.OFPFC_ADD, p.OFPMatch(in_port=1, tun_ipv4_src='192.0.2.1', pbb_uca=1),
                 [apply(p.OFPActionExperimenterUnknown(0x00ABCDEF, b'\x00\x01\x02\x03\x04\x05\x06\x07'),
                        p.OFPActionOutput(2, 0))]))

    fr_match = p.OFPMatch(in_port=1, eth_type=0x0800, ipv4_dst='10.0.2.0')
    add('flow-removed', 'FLOW_REMOVED after idle timeout with counters',
        header(ofp.OFPT_FLOW_REMOVED, 0, struct.pack(
            '!QHBBIIHHQQ', 0x7FFFFFFF00000001, 1000, ofp.OFPRR_IDLE_TIMEOUT, 0, 3600, 999999999, 30, 0,
            123456789012, 9876543210987) + ser(fr_match)))
    add('port-status', 'PORT_STATUS modify: port 3 link down',
        header(ofp.OFPT_PORT_STATUS, 0, struct.pack('!B7x', ofp.OFPPR_MODIFY) + port_struct(
            3, '02:00:00:00:03:03', 's1-eth3', 0, ofp.OFPPS_LINK_DOWN, ofp.OFPPF_10GB_FD | ofp.OFPPF_COPPER, 10000000)))

    bucket = p.OFPBucket
    add('group-mod-all', 'GROUP_MOD add ALL group (flood to two ports)',
        from_osken(p.OFPGroupMod(DP, ofp.OFPGC_ADD, ofp.OFPGT_ALL, 1, [
            bucket(0, ofp.OFPP_ANY, ofp.OFPG_ANY, [p.OFPActionOutput(1, 0)]),
            bucket(0, ofp.OFPP_ANY, ofp.OFPG_ANY, [p.OFPActionOutput(2, 0)])]), 20))
    add('group-mod-select', 'GROUP_MOD add SELECT group with weights 3 and 1',
        from_osken(p.OFPGroupMod(DP, ofp.OFPGC_ADD, ofp.OFPGT_SELECT, 2, [
            bucket(3, ofp.OFPP_ANY, ofp.OFPG_ANY, [p.OFPActionSetField(eth_dst='02:00:00:00:00:01'), p.OFPActionOutput(1, 0)]),
            bucket(1, ofp.OFPP_ANY, ofp.OFPG_ANY, [p.OFPActionOutput(2, 0)])]), 21))
    add('group-mod-indirect', 'GROUP_MOD modify INDIRECT group (next hop)',
        from_osken(p.OFPGroupMod(DP, ofp.OFPGC_MODIFY, ofp.OFPGT_INDIRECT, 3, [
            bucket(0, ofp.OFPP_ANY, ofp.OFPG_ANY, [p.OFPActionPushMpls(0x8847), p.OFPActionSetField(mpls_label=16),
                                                    p.OFPActionOutput(4, 0)])]), 22))
    add('group-mod-fast-failover', 'GROUP_MOD add FAST_FAILOVER group: primary watches port 1, backup port 2',
        from_osken(p.OFPGroupMod(DP, ofp.OFPGC_ADD, ofp.OFPGT_FF, 4, [
            bucket(0, 1, ofp.OFPG_ANY, [p.OFPActionOutput(1, 0)]),
            bucket(0, 2, ofp.OFPG_ANY, [p.OFPActionOutput(2, 0)])]), 23))
    add('group-mod-delete', 'GROUP_MOD delete', from_osken(p.OFPGroupMod(DP, ofp.OFPGC_DELETE, ofp.OFPGT_ALL, 4, []), 24))
    add('meter-mod-add', 'METER_MOD add: kbps, burst, stats; drop and DSCP remark bands',
        from_osken(p.OFPMeterMod(DP, ofp.OFPMC_ADD, ofp.OFPMF_KBPS | ofp.OFPMF_BURST | ofp.OFPMF_STATS, 5, [
            p.OFPMeterBandDrop(rate=200000, burst_size=20000), p.OFPMeterBandDscpRemark(rate=100000, burst_size=1000, prec_level=1)]), 25))
    add('meter-mod-delete', 'METER_MOD delete', from_osken(p.OFPMeterMod(DP, ofp.OFPMC_DELETE, 0, 5, []), 26))
    add('port-mod', 'PORT_MOD: bring port 2 down',
        from_osken(p.OFPPortMod(DP, 2, '02:00:00:00:02:02', ofp.OFPPC_PORT_DOWN, ofp.OFPPC_PORT_DOWN, 0), 27))
    add('table-mod', 'TABLE_MOD table 0 config 3', from_osken(p.OFPTableMod(DP, 0, 3), 28))
    add('barrier-request', 'BARRIER_REQUEST', from_osken(p.OFPBarrierRequest(DP), 29))
    add('barrier-reply', 'BARRIER_REPLY', header(ofp.OFPT_BARRIER_REPLY, 29, b''))
    add('role-request', 'ROLE_REQUEST master with generation id',
        from_osken(p.OFPRoleRequest(DP, ofp.OFPCR_ROLE_MASTER, 0x0102030405060708), 30))
    add('role-reply', 'ROLE_REPLY slave',
        header(ofp.OFPT_ROLE_REPLY, 30, struct.pack(ofp.OFP_ROLE_REQUEST_PACK_STR, ofp.OFPCR_ROLE_SLAVE, 7)))
    add('get-async-request', 'GET_ASYNC_REQUEST', from_osken(p.OFPGetAsyncRequest(DP), 31))
    add('get-async-reply', 'GET_ASYNC_REPLY',
        header(ofp.OFPT_GET_ASYNC_REPLY, 31, struct.pack(ofp.OFP_ASYNC_CONFIG_PACK_STR, 3, 0, 7, 7, 15, 0)))
    add('set-async', 'SET_ASYNC', from_osken(p.OFPSetAsync(DP, [3, 0], [7, 7], [15, 0]), 32))

    # Multipart requests: os-ken serializes them all.
    add('mp-desc-request', 'MULTIPART_REQUEST desc', from_osken(p.OFPDescStatsRequest(DP, 0), 40))
    add('mp-port-desc-request', 'MULTIPART_REQUEST port desc', from_osken(p.OFPPortDescStatsRequest(DP, 0), 41))
    add('mp-port-stats-request', 'MULTIPART_REQUEST port stats of all ports',
        from_osken(p.OFPPortStatsRequest(DP, 0, ofp.OFPP_ANY), 42))
    add('mp-flow-stats-request', 'MULTIPART_REQUEST flow stats of a cookie in all tables, matching IPv4',
        from_osken(p.OFPFlowStatsRequest(DP, 0, ofp.OFPTT_ALL, ofp.OFPP_ANY, ofp.OFPG_ANY, 0x42, 0xFFFFFFFFFFFFFFFF,
                                         p.OFPMatch(eth_type=0x0800)), 43))
    add('mp-aggregate-request', 'MULTIPART_REQUEST aggregate of table 0',
        from_osken(p.OFPAggregateStatsRequest(DP, 0, 0, ofp.OFPP_ANY, ofp.OFPG_ANY, 0, 0, p.OFPMatch()), 44))
    add('mp-group-desc-request', 'MULTIPART_REQUEST group desc', from_osken(p.OFPGroupDescStatsRequest(DP, 0), 45))
    add('mp-meter-config-request', 'MULTIPART_REQUEST meter config of all meters',
        from_osken(p.OFPMeterConfigStatsRequest(DP, 0, ofp.OFPM_ALL), 46))
    add('mp-meter-stats-request', 'MULTIPART_REQUEST meter stats of meter 5', from_osken(p.OFPMeterStatsRequest(DP, 0, 5), 47))

    # Multipart replies: a switch sends them, so they are packed from os-ken's layouts.
    add('mp-desc-reply', 'MULTIPART_REPLY desc of an Open vSwitch',
        multipart_reply(ofp.OFPMP_DESC, 40, struct.pack(
            ofp.OFP_DESC_PACK_STR, b'Nicira, Inc.', b'Open vSwitch', b'3.1.0', b'None', b'edge-fra-1')))
    add('mp-port-desc-reply', 'MULTIPART_REPLY port desc with two ports',
        multipart_reply(ofp.OFPMP_PORT_DESC, 41,
                        port_struct(1, '02:00:00:00:01:01', 's1-eth1', 0, ofp.OFPPS_LIVE, ofp.OFPPF_10GB_FD | ofp.OFPPF_COPPER, 10000000)
                        + port_struct(ofp.OFPP_LOCAL, '02:00:00:00:00:fe', 's1', ofp.OFPPC_PORT_DOWN, ofp.OFPPS_LINK_DOWN, 0, 0)))
    port_stats = b''.join(struct.pack(ofp.OFP_PORT_STATS_PACK_STR, n, *[n * 1000003 + k for k in range(12)], 77, 5000)
                          for n in (1, 2))
    add('mp-port-stats-reply', 'MULTIPART_REPLY port stats of two ports',
        multipart_reply(ofp.OFPMP_PORT_STATS, 42, port_stats))
    stats = flow_stats_entry(0, 1000, 0x42, 10, 1500, p.OFPMatch(in_port=1, eth_type=0x0800, ipv4_dst=('10.0.2.0', '255.255.255.0')),
                             [p.OFPInstructionMeter(5), apply(p.OFPActionOutput(2, 0))])
    stats += flow_stats_entry(1, 0, 0, 2**40 + 1, 2**50 + 3, p.OFPMatch(), [apply(p.OFPActionOutput(ofp.OFPP_CONTROLLER, 0xFFFF))])
    add('mp-flow-stats-reply', 'MULTIPART_REPLY flow stats with two entries (more replies follow)',
        multipart_reply(ofp.OFPMP_FLOW, 43, stats, flags=ofp.OFPMPF_REPLY_MORE))
    groups = b''
    for gtype, gid, buckets in (
        (ofp.OFPGT_FF, 4, [bucket(0, 1, ofp.OFPG_ANY, [p.OFPActionOutput(1, 0)]), bucket(0, 2, ofp.OFPG_ANY, [p.OFPActionOutput(2, 0)])]),
        (ofp.OFPGT_SELECT, 2, [bucket(1, ofp.OFPP_ANY, ofp.OFPG_ANY, [p.OFPActionOutput(3, 0)])]),
    ):
        tail = b''.join(ser(b) for b in buckets)
        groups += struct.pack(ofp.OFP_GROUP_DESC_STATS_PACK_STR, ofp.OFP_GROUP_DESC_STATS_SIZE + len(tail), gtype, gid) + tail
    add('mp-group-desc-reply', 'MULTIPART_REPLY group desc: a fast-failover and a select group',
        multipart_reply(ofp.OFPMP_GROUP_DESC, 45, groups))
    bands = ser(p.OFPMeterBandDrop(rate=200000, burst_size=20000))
    meters = struct.pack(ofp.OFP_METER_CONFIG_PACK_STR, ofp.OFP_METER_CONFIG_SIZE + len(bands),
                         ofp.OFPMF_KBPS | ofp.OFPMF_BURST, 5) + bands
    add('mp-meter-config-reply', 'MULTIPART_REPLY meter config of one meter with a drop band',
        multipart_reply(ofp.OFPMP_METER_CONFIG, 46, meters))
    band_stats = struct.pack(ofp.OFP_METER_BAND_STATS_PACK_STR, 12, 18000)
    meter_stats = struct.pack(ofp.OFP_METER_STATS_PACK_STR, 5, ofp.OFP_METER_STATS_SIZE + len(band_stats), 2,
                              1000, 1500000, 60, 250) + band_stats
    add('mp-meter-stats-reply', 'MULTIPART_REPLY meter stats with one band counter',
        multipart_reply(ofp.OFPMP_METER, 47, meter_stats))
    return fx


# Each error type's code prefix in openflow.h (A.4.4); the names and values come from os-ken.
ERROR_CODE_PREFIXES = {
    'OFPET_HELLO_FAILED': 'OFPHFC_',
    'OFPET_BAD_REQUEST': 'OFPBRC_',
    'OFPET_BAD_ACTION': 'OFPBAC_',
    'OFPET_BAD_INSTRUCTION': 'OFPBIC_',
    'OFPET_BAD_MATCH': 'OFPBMC_',
    'OFPET_FLOW_MOD_FAILED': 'OFPFMFC_',
    'OFPET_GROUP_MOD_FAILED': 'OFPGMFC_',
    'OFPET_PORT_MOD_FAILED': 'OFPPMFC_',
    'OFPET_TABLE_MOD_FAILED': 'OFPTMFC_',
    'OFPET_QUEUE_OP_FAILED': 'OFPQOFC_',
    'OFPET_SWITCH_CONFIG_FAILED': 'OFPSCFC_',
    'OFPET_ROLE_REQUEST_FAILED': 'OFPRRFC_',
    'OFPET_METER_MOD_FAILED': 'OFPMMFC_',
    'OFPET_TABLE_FEATURES_FAILED': 'OFPTFFC_',
}


def error_names():
    types = []
    for type_name, prefix in ERROR_CODE_PREFIXES.items():
        codes = sorted(
            (getattr(ofp, n), n) for n in dir(ofp) if n.startswith(prefix) and isinstance(getattr(ofp, n), int)
        )
        types.append({'type': getattr(ofp, type_name), 'name': type_name, 'codes': [{'code': c, 'name': n} for c, n in codes]})
    return {'source': 'os_ken.ofproto.ofproto_v1_3', 'types': types}


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    fixtures = []
    for name, description, buf, obj in message_fixtures():
        parsed = parse(buf)
        fixtures.append({
            'name': name,
            'description': description,
            'hex': buf.hex(),
            'expectedFrom': 'os-ken parser' if parsed is not None else 'os-ken message object that produced the bytes',
            'expected': typed_message(parsed if parsed is not None else obj),
        })
    doc = {
        'generator': 'scripts/gen-openflow-golden.py',
        'source': 'os-ken (os_ken.ofproto.ofproto_v1_3_parser), OpenFlow 1.3 wire version 0x04',
        'fixtures': fixtures,
    }
    with open(os.path.join(OUT_DIR, 'messages.json'), 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    with open(os.path.join(OUT_DIR, 'error-names.json'), 'w') as f:
        json.dump(error_names(), f, indent=1)
        f.write('\n')
    print('wrote %d message fixtures to %s' % (len(fixtures), os.path.relpath(OUT_DIR)))


if __name__ == '__main__':
    main()
