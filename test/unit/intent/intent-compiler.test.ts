import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { type CompileInput, compileIntent } from '../../../src/intent/intent-compiler.js';
import { planTunnel } from '../../../src/intent/tunnel-shape.js';
import type { Path } from '../../../src/model/path.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';
import { link as testLink } from '../path/support/graph-builder.js';

/** s1 -> s2 -> s3, port `out` towards the next switch and port 1 from the previous one. */
function line(out = 2, primary?: Path) {
  const topo = new TopologyStore(new EventBus());
  for (const [i, id] of ['s1', 's2', 's3'].entries()) {
    topo.addNode({ id, kind: 'switch', name: id, provider: 'p', jurisdiction: 'DE', datapathId: `dp${i + 1}`, operUp: true });
  }
  const link = (id: string, src: string, dst: string) =>
    testLink({ id, src, dst, srcPort: out, dstPort: 1, latencyMs: 1, provider: 'p' });
  topo.addLink(link('l1', 's1', 's2'));
  topo.addLink(link('l2', 's2', 's3'));
  const path: Path = primary ?? {
    nodes: ['s1', 's2', 's3'],
    links: ['l1', 'l2'],
    latencyMs: 2,
    cost: 2,
    energyJPerGbit: 2,
    hops: 2,
    bottleneckMbps: 1000,
  };
  const input = (label: number): CompileInput => ({
    cookie: label,
    bandwidthMbps: 10,
    directions: [
      {
        from: [{ endpoint: 'h1', node: 's1', port: 9, prefixes: ['10.0.0.1/32'] }],
        to: [{ endpoint: 'h3', node: 's3', port: 9, prefixes: ['10.0.0.3/32'] }],
        primary: path,
        label,
      },
    ],
  });
  return { topo, input, path };
}

const labelRules = (r: ReturnType<typeof compileIntent>) =>
  r.ok ? r.flows.filter((f) => f.match.vlanVid !== undefined).map((f) => [f.device, f.match.inPort, f.actions]) : r.reason;

describe('intent compiler', () => {
  it('compiles the same path again with the topology as it is now', () => {
    const { topo, input } = line();
    expect(labelRules(compileIntent(input(100), topo))).toEqual([
      ['dp2', 1, [{ type: 'output', port: 2 }]],
      ['dp3', 1, [{ type: 'pop-vlan' }, { type: 'output', port: 9 }]],
    ]);
    // Ports re-learned: the same path object compiles to the new ports.
    topo.updateLink('l1', (l) => ({ ...l, dstPort: 5 }));
    topo.updateLink('l2', (l) => ({ ...l, srcPort: 6 }));
    expect(labelRules(compileIntent(input(101), topo))).toEqual([
      ['dp2', 5, [{ type: 'output', port: 6 }]],
      ['dp3', 1, [{ type: 'pop-vlan' }, { type: 'output', port: 9 }]],
    ]);
    // A switch that lost its datapath id cannot deliver any more.
    topo.updateNode('s3', (n) => ({ ...n, datapathId: undefined }));
    const r = compileIntent(input(102), topo);
    expect(r.ok ? 'compiled' : r.reason.message).toBe(
      'egress node s3 has no datapath id: no switch can classify or deliver there',
    );
    topo.removeLink('l2');
    topo.updateNode('s3', (n) => ({ ...n, datapathId: 'dp3' }));
    const gone = compileIntent(input(103), topo);
    expect(gone.ok ? 'compiled' : gone.reason.message).toBe('link l2 no longer exists');
  });

  it('compiles one path object against each topology it is given', () => {
    const a = line(2);
    const b = line(7, a.path);
    // Built alike: both stores are at the same versions, only their ports differ.
    expect(b.topo.attrVersion).toBe(a.topo.attrVersion);
    expect(b.topo.shapeVersion).toBe(a.topo.shapeVersion);
    const egress = ['dp3', 1, [{ type: 'pop-vlan' }, { type: 'output', port: 9 }]];
    expect(labelRules(compileIntent(a.input(100), a.topo))).toEqual([['dp2', 1, [{ type: 'output', port: 2 }]], egress]);
    expect(labelRules(compileIntent(b.input(100), b.topo))).toEqual([['dp2', 1, [{ type: 'output', port: 7 }]], egress]);
  });

  it('plans the same tunnel key across bookings, and a new one when a port or a switch changes', () => {
    const { topo, path } = line();
    const hosts = [{ endpoint: 'h3', node: 's3', port: 9, prefixes: ['10.0.0.3/32'] }];
    const key = () => {
      const p = planTunnel(topo, path, undefined, hosts);
      return p.ok ? p.key : p.reason.message;
    };
    const first = key();
    // A booking (or a latency measurement) changes attributes, not ports: the key is the same string.
    topo.updateLink('l1', (l) => ({ ...l, reservedMbps: 10 }));
    expect(key()).toBe(first);
    topo.updateLink('l2', (l) => ({ ...l, srcPort: 6 }));
    const moved = key();
    expect(moved).not.toBe(first);
    topo.updateNode('s2', (n) => ({ ...n, datapathId: 'dp9' }));
    expect(key()).not.toBe(moved);
    topo.updateNode('s3', (n) => ({ ...n, datapathId: undefined }));
    expect(key()).toBe('egress node s3 has no datapath id: no switch can classify or deliver there');
  });
});
