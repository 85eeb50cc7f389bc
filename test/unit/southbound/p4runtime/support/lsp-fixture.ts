import { type CompileResult, compileIntent } from '../../../../../src/intent/intent-compiler.js';
import type { Path } from '../../../../../src/model/path.js';
import type { TopoLink, TopoNode } from '../../../../../src/model/topology.js';

/**
 * A square of four P4 switches (device ids 1-4, datapath ids 50340000000000NN) and one protected,
 * policed intent between h1 (on s1 port 1) and h2 (on s3 port 1): primary s1-s2-s3, backup s1-s4-s3,
 * with crankback on the primary, in both directions. Built from literal ports so traces can be checked.
 *
 *        2   1      2   2
 *   s1 ------- s2 ------- s3      h1 = s1:1, h2 = s3:1
 *   3 \                  / 3
 *      \1      s4      2/
 */
export const DPID = (n: number) => `503400000000000${n}`;

const cable = (id: string, a: string, ap: number, b: string, bp: number): TopoLink[] =>
  [
    [`${id}.a`, a, ap, b, bp],
    [`${id}.b`, b, bp, a, ap],
  ].map(([lid, src, srcPort, dst, dstPort]) => ({ id: lid, cable: id, src, dst, srcPort, dstPort }) as unknown as TopoLink);

export const LINKS: TopoLink[] = [
  ...cable('s1s2', 's1', 2, 's2', 1),
  ...cable('s2s3', 's2', 2, 's3', 2),
  ...cable('s1s4', 's1', 3, 's4', 1),
  ...cable('s4s3', 's4', 2, 's3', 3),
];

/** Where each directed link leads: (switch, out port) -> (switch, in port). */
export function peerOf(sw: string, port: number): { sw: string; port: number } | undefined {
  const l = LINKS.find((x) => x.src === sw && x.srcPort === port);
  return l ? { sw: l.dst, port: l.dstPort! } : undefined;
}

const topo = {
  findNode: (id: string) => ({ id, datapathId: DPID(Number(id.slice(1))) }) as unknown as TopoNode,
  findLink: (id: string) => LINKS.find((l) => l.id === id),
};

const path = (nodes: string[], links: string[]): Path => ({
  nodes,
  links,
  latencyMs: 1,
  cost: 1,
  energyJPerGbit: 0,
  hops: links.length,
  bottleneckMbps: 1000,
});

export const H1 = { endpoint: 'h1', node: 's1', port: 1, mac: '00:00:00:00:00:01', prefixes: ['10.0.0.1/32'] };
export const H2 = { endpoint: 'h2', node: 's3', port: 1, mac: '00:00:00:00:00:02', prefixes: ['10.0.0.2/32'] };

export function compileSquareIntent(cookie = 7): Extract<CompileResult, { ok: true }> {
  const r = compileIntent(
    {
      cookie,
      bandwidthMbps: 10,
      directions: [
        {
          from: [H1],
          to: [H2],
          primary: path(['s1', 's2', 's3'], ['s1s2.a', 's2s3.a']),
          backup: path(['s1', 's4', 's3'], ['s1s4.a', 's4s3.a']),
          label: 100,
          crankbackLabel: 101,
        },
        {
          from: [H2],
          to: [H1],
          primary: path(['s3', 's2', 's1'], ['s2s3.b', 's1s2.b']),
          backup: path(['s3', 's4', 's1'], ['s4s3.b', 's1s4.b']),
          label: 102,
          crankbackLabel: 103,
        },
      ],
    },
    topo,
  );
  if (!r.ok) throw new Error(`fixture intent did not compile: ${r.reason.message}`);
  return r;
}
