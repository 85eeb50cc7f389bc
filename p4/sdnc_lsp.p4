/*
 * sdnc_lsp.p4 - the label-switched path data plane sdnc's intent compiler targets (P4_16, v1model).
 *
 * One LSP is a VLAN id used as a label. The ingress switch classifies host traffic (table `classify`),
 * polices it with an indexed meter shared by all classifiers of one direction, pushes the label and
 * forwards either to a port or into a fast-failover group. Transit switches switch on (in_port, label)
 * in `label_forward`; the egress switch pops the label and delivers to the host. Groups are resolved
 * by `next_hop`, whose implementation is an action selector: each group's members carry a watch port
 * (P4Runtime spec 9.2.3, "watch_port") so the target prunes members whose port is down, and the
 * selector hashes a constant with the identity algorithm so the first live member always wins - the
 * OpenFlow fast-failover semantics (OpenFlow 1.3 section 5.6.1) the model's groups have.
 *
 * Controller I/O uses the @controller_header packet_in / packet_out headers on CPU port 255, as in
 * the ONOS and p4lang tutorial pipelines. LLDP is punted by an ordinary `classify` entry the controller
 * installs (eth_type 0x88cc -> send_to_cpu).
 *
 * The P4Info for this program is written by hand in sdnc_lsp.p4info.txtpb; see README.md for how to
 * compile the program and compare the compiler's P4Info with it.
 */
#include <core.p4>
#include <v1model.p4>

const bit<9> CPU_PORT = 255;
const bit<16> ETH_VLAN = 0x8100;
const bit<16> ETH_IPV4 = 0x0800;
const bit<16> ETH_IPV6 = 0x86dd;
const bit<16> ETH_ARP = 0x0806;
const bit<8> PROTO_TCP = 6;
const bit<8> PROTO_UDP = 17;
const bit<32> METER_CELLS = 4096;
/* v1model meter colours: 0 green, 1 yellow, 2 red. */
const bit<2> METER_RED = 2;

@controller_header("packet_in")
header packet_in_t {
    bit<9> ingress_port;
    bit<7> _pad;
}

@controller_header("packet_out")
header packet_out_t {
    bit<9> egress_port;
    bit<7> _pad;
}

header ethernet_t {
    bit<48> dst_addr;
    bit<48> src_addr;
    bit<16> ether_type;
}

header vlan_t {
    bit<3> pcp;
    bit<1> cfi;
    bit<12> vid;
    bit<16> ether_type;
}

header arp_t {
    bit<16> htype;
    bit<16> ptype;
    bit<8> hlen;
    bit<8> plen;
    bit<16> oper;
    bit<48> sha;
    bit<32> spa;
    bit<48> tha;
    bit<32> tpa;
}

header ipv4_t {
    bit<4> version;
    bit<4> ihl;
    bit<8> dscp_ecn;
    bit<16> total_len;
    bit<16> identification;
    bit<3> flags;
    bit<13> frag_offset;
    bit<8> ttl;
    bit<8> protocol;
    bit<16> hdr_checksum;
    bit<32> src_addr;
    bit<32> dst_addr;
}

header ipv6_t {
    bit<4> version;
    bit<8> traffic_class;
    bit<20> flow_label;
    bit<16> payload_len;
    bit<8> next_hdr;
    bit<8> hop_limit;
    bit<128> src_addr;
    bit<128> dst_addr;
}

header l4_ports_t {
    bit<16> src_port;
    bit<16> dst_port;
}

struct headers_t {
    packet_out_t packet_out;
    packet_in_t packet_in;
    ethernet_t ethernet;
    vlan_t vlan;
    arp_t arp;
    ipv4_t ipv4;
    ipv6_t ipv6;
    l4_ports_t l4;
}

struct metadata_t {
    /* The frame's ether type behind an optional VLAN tag (OpenFlow 1.3 eth_type semantics). */
    bit<16> eth_type;
    /* The label of a tagged frame, 0 when untagged (VID 0 is never a label). */
    bit<12> vid;
    bit<8> ip_proto;
    bit<16> l4_src;
    bit<16> l4_dst;
    bit<16> group_id;
    bit<12> meter_id;
    bit<2> color;
    /* Selector input: always 0, so identity hashing picks the first live member. */
    bit<16> ff_hash;
}

parser SdncParser(packet_in packet, out headers_t hdr, inout metadata_t meta,
                  inout standard_metadata_t standard_metadata) {
    state start {
        transition select(standard_metadata.ingress_port) {
            CPU_PORT: parse_packet_out;
            default: parse_ethernet;
        }
    }
    state parse_packet_out {
        packet.extract(hdr.packet_out);
        transition parse_ethernet;
    }
    state parse_ethernet {
        packet.extract(hdr.ethernet);
        meta.eth_type = hdr.ethernet.ether_type;
        transition select(hdr.ethernet.ether_type) {
            ETH_VLAN: parse_vlan;
            default: parse_l3;
        }
    }
    state parse_vlan {
        packet.extract(hdr.vlan);
        meta.vid = hdr.vlan.vid;
        meta.eth_type = hdr.vlan.ether_type;
        transition parse_l3;
    }
    state parse_l3 {
        transition select(meta.eth_type) {
            ETH_IPV4: parse_ipv4;
            ETH_IPV6: parse_ipv6;
            ETH_ARP: parse_arp;
            default: accept;
        }
    }
    state parse_arp {
        packet.extract(hdr.arp);
        transition accept;
    }
    state parse_ipv4 {
        packet.extract(hdr.ipv4);
        meta.ip_proto = hdr.ipv4.protocol;
        transition select(hdr.ipv4.protocol) {
            PROTO_TCP: parse_l4;
            PROTO_UDP: parse_l4;
            default: accept;
        }
    }
    state parse_ipv6 {
        packet.extract(hdr.ipv6);
        meta.ip_proto = hdr.ipv6.next_hdr;
        transition select(hdr.ipv6.next_hdr) {
            PROTO_TCP: parse_l4;
            PROTO_UDP: parse_l4;
            default: accept;
        }
    }
    /* TCP and UDP both start with source and destination port: one header serves both. */
    state parse_l4 {
        packet.extract(hdr.l4);
        meta.l4_src = hdr.l4.src_port;
        meta.l4_dst = hdr.l4.dst_port;
        transition accept;
    }
}

control SdncVerifyChecksum(inout headers_t hdr, inout metadata_t meta) {
    apply { }
}

control SdncIngress(inout headers_t hdr, inout metadata_t meta, inout standard_metadata_t standard_metadata) {
    meter(METER_CELLS, MeterType.bytes) lsp_meter;
    action_selector(HashAlgorithm.identity, 4096, 16) ff_selector;

    action drop() {
        mark_to_drop(standard_metadata);
    }
    action send_to_cpu() {
        standard_metadata.egress_spec = CPU_PORT;
    }
    action push_vlan(bit<12> vid) {
        hdr.vlan.setValid();
        hdr.vlan.pcp = 0;
        hdr.vlan.cfi = 0;
        hdr.vlan.vid = vid;
        hdr.vlan.ether_type = hdr.ethernet.ether_type;
        hdr.ethernet.ether_type = ETH_VLAN;
    }
    action pop_vlan() {
        hdr.ethernet.ether_type = hdr.vlan.ether_type;
        hdr.vlan.setInvalid();
    }

    /* classify: ingress of an LSP (meter_id 0 = not policed). */
    action push_label(bit<12> vid, bit<9> port, bit<12> meter_id) {
        push_vlan(vid);
        standard_metadata.egress_spec = port;
        meta.meter_id = meter_id;
    }
    action push_label_group(bit<12> vid, bit<16> group_id, bit<12> meter_id) {
        push_vlan(vid);
        meta.group_id = group_id;
        meta.meter_id = meter_id;
    }
    action set_port(bit<9> port, bit<12> meter_id) {
        standard_metadata.egress_spec = port;
        meta.meter_id = meter_id;
    }
    action set_mac_port(bit<48> dst_mac, bit<9> port, bit<12> meter_id) {
        hdr.ethernet.dst_addr = dst_mac;
        standard_metadata.egress_spec = port;
        meta.meter_id = meter_id;
    }

    /* label_forward (and classify for egress selection by destination address). */
    action forward(bit<9> port) {
        standard_metadata.egress_spec = port;
    }
    action forward_group(bit<16> group_id) {
        meta.group_id = group_id;
    }
    action pop_and_deliver(bit<9> port, bit<48> dst_mac) {
        pop_vlan();
        hdr.ethernet.dst_addr = dst_mac;
        standard_metadata.egress_spec = port;
    }
    action pop_label(bit<9> port) {
        pop_vlan();
        standard_metadata.egress_spec = port;
    }
    action swap_label(bit<12> vid, bit<9> port) {
        hdr.vlan.vid = vid;
        standard_metadata.egress_spec = port;
    }
    /* Crankback: the frame goes back out of the port it came in on with the crankback label. */
    action bounce_label(bit<12> vid) {
        hdr.vlan.vid = vid;
        standard_metadata.egress_spec = standard_metadata.ingress_port;
    }

    table classify {
        key = {
            standard_metadata.ingress_port: ternary @name("in_port");
            hdr.ethernet.src_addr: ternary @name("eth_src");
            hdr.ethernet.dst_addr: ternary @name("eth_dst");
            meta.eth_type: ternary @name("eth_type");
            meta.vid: ternary @name("vid");
            hdr.ipv4.src_addr: ternary @name("ipv4_src");
            hdr.ipv4.dst_addr: ternary @name("ipv4_dst");
            hdr.ipv6.src_addr: ternary @name("ipv6_src");
            hdr.ipv6.dst_addr: ternary @name("ipv6_dst");
            meta.ip_proto: ternary @name("ip_proto");
            meta.l4_src: ternary @name("l4_src");
            meta.l4_dst: ternary @name("l4_dst");
            hdr.arp.oper: ternary @name("arp_op");
            hdr.arp.spa: ternary @name("arp_spa");
            hdr.arp.tpa: ternary @name("arp_tpa");
        }
        actions = {
            push_label;
            push_label_group;
            set_port;
            set_mac_port;
            pop_and_deliver;
            pop_label;
            send_to_cpu;
            drop;
        }
        const default_action = drop();
        size = 8192;
    }

    table label_forward {
        key = {
            standard_metadata.ingress_port: exact @name("in_port");
            meta.vid: exact @name("vid");
        }
        actions = {
            forward;
            forward_group;
            pop_and_deliver;
            pop_label;
            swap_label;
            drop;
        }
        const default_action = drop();
        size = 8192;
    }

    table next_hop {
        key = {
            meta.group_id: exact @name("group_id");
            meta.ff_hash: selector;
        }
        actions = {
            forward;
            swap_label;
            bounce_label;
            drop;
        }
        implementation = ff_selector;
        const default_action = drop();
        size = 4096;
    }

    apply {
        if (hdr.packet_out.isValid()) {
            /* Controller packet-out: straight to the named port, no table lookups. */
            standard_metadata.egress_spec = hdr.packet_out.egress_port;
            hdr.packet_out.setInvalid();
            exit;
        }
        mark_to_drop(standard_metadata);
        meta.group_id = 0;
        meta.meter_id = 0;
        meta.ff_hash = 0;
        /* Classifiers outrank label entries (the compiler's priorities 2xx00+ over 20000). */
        if (!classify.apply().hit) {
            label_forward.apply();
        }
        if (meta.group_id != 0) {
            next_hop.apply();
        }
        if (meta.meter_id != 0) {
            lsp_meter.execute_meter((bit<32>)meta.meter_id, meta.color);
            if (meta.color == METER_RED) {
                mark_to_drop(standard_metadata);
            }
        }
    }
}

control SdncEgress(inout headers_t hdr, inout metadata_t meta, inout standard_metadata_t standard_metadata) {
    apply {
        if (standard_metadata.egress_port == CPU_PORT) {
            hdr.packet_in.setValid();
            hdr.packet_in.ingress_port = standard_metadata.ingress_port;
            hdr.packet_in._pad = 0;
        }
    }
}

control SdncComputeChecksum(inout headers_t hdr, inout metadata_t meta) {
    apply { }
}

control SdncDeparser(packet_out packet, in headers_t hdr) {
    apply {
        packet.emit(hdr.packet_in);
        packet.emit(hdr.ethernet);
        packet.emit(hdr.vlan);
        packet.emit(hdr.arp);
        packet.emit(hdr.ipv4);
        packet.emit(hdr.ipv6);
        packet.emit(hdr.l4);
    }
}

V1Switch(SdncParser(), SdncVerifyChecksum(), SdncIngress(), SdncEgress(), SdncComputeChecksum(),
         SdncDeparser()) main;
