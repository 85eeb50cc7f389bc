"""os-ken baseline for bench/openflow-install-bench.ts: the same install workload as our controller.

Run by the benchmark as `osken-manager --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port PORT bench/osken_install_app.py`
with SDNC_BENCH_FLOWS and SDNC_BENCH_BATCH in the environment. On the first switch it installs FLOWS
flows (priority 100, ipv4_dst 10.x.y.0/24 -> output:1, one cookie each) in batches of BATCH FLOW_MODs,
each batch followed by a barrier whose reply it waits for before sending the next batch, then prints
one line `SDNC_BENCH_RESULT {"flows": N, "seconds": S}` and stays connected until killed.
"""
import json
import os
import sys
import time

from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER, set_ev_cls
from os_ken.ofproto import ofproto_v1_3

FLOWS = int(os.environ.get('SDNC_BENCH_FLOWS', '10000'))
BATCH = int(os.environ.get('SDNC_BENCH_BATCH', '100'))


class InstallBench(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dp = None
        self.next_flow = 0
        self.started = None
        self.pending_barrier = None

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def features(self, ev):
        if self.dp is not None:
            return
        self.dp = ev.msg.datapath
        self.started = time.perf_counter()
        self.send_batch()

    def send_batch(self):
        dp = self.dp
        parser = dp.ofproto_parser
        ofp = dp.ofproto
        end = min(self.next_flow + BATCH, FLOWS)
        for i in range(self.next_flow, end):
            match = parser.OFPMatch(eth_type=0x0800, ipv4_dst=('10.%d.%d.0' % ((i >> 8) & 0xff, i & 0xff), '255.255.255.0'))
            actions = [parser.OFPActionOutput(1, 0)]
            inst = [parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS, actions)]
            dp.send_msg(parser.OFPFlowMod(datapath=dp, cookie=1000 + i, priority=100, match=match, instructions=inst))
        self.next_flow = end
        barrier = parser.OFPBarrierRequest(dp)
        dp.set_xid(barrier)
        self.pending_barrier = barrier.xid
        dp.send_msg(barrier)

    @set_ev_cls(ofp_event.EventOFPBarrierReply, [CONFIG_DISPATCHER, MAIN_DISPATCHER])
    def barrier_reply(self, ev):
        if ev.msg.xid != self.pending_barrier:
            return
        if self.next_flow < FLOWS:
            self.send_batch()
            return
        seconds = time.perf_counter() - self.started
        print('SDNC_BENCH_RESULT ' + json.dumps({'flows': FLOWS, 'seconds': seconds}), flush=True)
        sys.stdout.flush()

    @set_ev_cls(ofp_event.EventOFPErrorMsg, [CONFIG_DISPATCHER, MAIN_DISPATCHER])
    def error(self, ev):
        print('SDNC_BENCH_ERROR type=%d code=%d' % (ev.msg.type, ev.msg.code), flush=True)
