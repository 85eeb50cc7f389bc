import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import type { IntentSpec } from '../../../src/intent/intent-types.js';
import { PathPlanner } from '../../../src/intent/path-planner.js';
import type { PathRequest } from '../../../src/model/path.js';
import type { TopoNode } from '../../../src/model/topology.js';
import { PathService } from '../../../src/path/path-service.js';
import { ReservationLedger } from '../../../src/path/reservation-ledger.js';
import { SnapshotKeeper } from '../../../src/path/snapshot-keeper.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';
import { link as testLink } from '../path/support/graph-builder.js';

/** s1 -(1 ms)- s2 -(1 ms)- s4 and s1 -(2 ms)- s3 -(2 ms)- s4, 1,000 Mbit/s each way. */
function diamond() {
  const bus = new EventBus();
  const topo = new TopologyStore(bus);
  for (const [i, id] of ['s1', 's2', 's3', 's4'].entries()) {
    const n: TopoNode = {
      id,
      kind: 'switch',
      name: id,
      provider: 'p',
      jurisdiction: 'DE',
      datapathId: String(i + 1).padStart(16, '0'),
      operUp: true,
    };
    topo.addNode(n);
  }
  const cable = (a: string, b: string, latencyMs: number, aPort: number, bPort: number) => {
    const c = `${a}-${b}`;
    topo.addLink(testLink({ id: `${c}.a`, cable: c, src: a, dst: b, srcPort: aPort, dstPort: bPort, latencyMs, provider: 'p' }));
    topo.addLink(testLink({ id: `${c}.b`, cable: c, src: b, dst: a, srcPort: bPort, dstPort: aPort, latencyMs, provider: 'p' }));
  };
  cable('s1', 's2', 1, 2, 1);
  cable('s2', 's4', 1, 2, 1);
  cable('s1', 's3', 2, 3, 1);
  cable('s3', 's4', 2, 2, 2);
  const paths = new PathService(new SnapshotKeeper(topo, bus));
  let computed = 0;
  const engine = {
    compute: (r: PathRequest) => {
      computed++;
      return paths.compute(r);
    },
  };
  return {
    topo,
    planner: new PathPlanner(engine, topo),
    direct: new PathPlanner(paths, topo),
    ledger: new ReservationLedger(topo),
    computed: () => computed,
  };
}

const spec: IntentSpec = {
  src: 'a',
  dst: 'b',
  bandwidthMbps: 100,
  objective: 'latency',
  protection: 'none',
  constraints: {},
  priority: 100,
  allowPreemption: false,
  bidirectional: true,
};
const s1 = { node: 's1', hosts: [] };
const s4 = { node: 's4', hosts: [] };
const nodesOf = (r: ReturnType<PathPlanner['plan']>) => (r.ok ? r.paths.forward.primary.nodes : r.reason.code);

describe('PathPlanner passes', () => {
  it('shares a plan between equal requests of a pass while its links still qualify, and plans again after a release', () => {
    const { planner, ledger, computed } = diamond();
    planner.pass(() => {
      expect(nodesOf(planner.plan(spec, s1, s4))).toEqual(['s1', 's2', 's4']);
      ledger.reserve({ ownerId: 'x', bandwidthMbps: 850, primary: ['s1-s2.a'] });
      const again = planner.plan(spec, s1, s4);
      expect(nodesOf(again)).toEqual(['s1', 's2', 's4']);
      expect(again.ok && again.paths.forward.primary.bottleneckMbps).toBe(150);
      expect(computed()).toBe(1);
      // 100 more do not fit on s1-s2 any more: planned again, around it.
      ledger.reserve({ ownerId: 'y', bandwidthMbps: 100, primary: ['s1-s2.a'] });
      expect(nodesOf(planner.plan(spec, s1, s4))).toEqual(['s1', 's3', 's4']);
      expect(computed()).toBe(2);
      // A release may open a better path: the reactor invalidates, the next request plans again.
      ledger.release('y');
      planner.invalidate();
      expect(nodesOf(planner.plan(spec, s1, s4))).toEqual(['s1', 's2', 's4']);
      expect(computed()).toBe(3);
      // A different request is a different plan.
      planner.plan({ ...spec, bandwidthMbps: 10 }, s1, s4);
      expect(computed()).toBe(4);
    });
    // Outside a pass nothing is shared.
    planner.plan(spec, s1, s4);
    planner.plan(spec, s1, s4);
    expect(computed()).toBe(6);
  });

  it('keeps plans from pass to pass only when told, and forgets them on invalidate()', () => {
    const { planner, computed } = diamond();
    planner.pass(() => planner.plan(spec, s1, s4));
    planner.pass(() => planner.plan(spec, s1, s4));
    expect(computed()).toBe(2);
    planner.keepAcrossPasses();
    planner.pass(() => planner.plan(spec, s1, s4));
    planner.pass(() => planner.plan(spec, s1, s4));
    expect(computed()).toBe(3);
    planner.invalidate();
    planner.pass(() => planner.plan(spec, s1, s4));
    expect(computed()).toBe(4);
  });

  it('keeps its plans through a release on a link no plan could have left out, not through one that might', () => {
    const { topo, planner, ledger, computed } = diamond();
    planner.keepAcrossPasses();
    ledger.reserve({ ownerId: 'x', bandwidthMbps: 880, primary: ['s1-s2.a'] });
    ledger.reserve({ ownerId: 'y', bandwidthMbps: 500, primary: ['s1-s3.a'] });
    planner.pass(() => expect(nodesOf(planner.plan(spec, s1, s4))).toEqual(['s1', 's2', 's4']));
    // s1-s3.a had 500 free, more than the 100 planned for: the search never left it out.
    const wide = topo.getLink('s1-s3.a');
    ledger.release('y');
    planner.released(wide);
    planner.pass(() => planner.plan(spec, s1, s4));
    expect(computed()).toBe(1);
    // s1-s2.a had 120 free: a plan for more than that may now take it.
    planner.pass(() => planner.plan({ ...spec, bandwidthMbps: 150 }, s1, s4));
    expect(computed()).toBe(2);
    const narrow = topo.getLink('s1-s2.a');
    ledger.release('x');
    planner.released(narrow);
    planner.pass(() => expect(nodesOf(planner.plan({ ...spec, bandwidthMbps: 150 }, s1, s4))).toEqual(['s1', 's2', 's4']));
    expect(computed()).toBe(3);
  });

  it('shares a refusal too, until something is released', () => {
    const { planner, computed } = diamond();
    planner.pass(() => {
      const big = { ...spec, bandwidthMbps: 5000 };
      expect(nodesOf(planner.plan(big, s1, s4))).toBe('bandwidth');
      expect(nodesOf(planner.plan(big, s1, s4))).toBe('bandwidth');
      expect(computed()).toBe(1);
      planner.invalidate();
      planner.plan(big, s1, s4);
      expect(computed()).toBe(2);
    });
  });

  it('runs the reverse direction back over the same cables from the engine snapshot as from the links', () => {
    const { topo, planner, direct } = diamond();
    const reverseOf = (r: ReturnType<PathPlanner['plan']>) => (r.ok ? r.paths.reverse?.primary : r.reason.code);
    const viaLinks = reverseOf(planner.plan(spec, s1, s4));
    expect(viaLinks).toMatchObject({ nodes: ['s4', 's2', 's1'], links: ['s2-s4.b', 's1-s2.b'], latencyMs: 2, hops: 2 });
    expect(reverseOf(direct.plan(spec, s1, s4))).toEqual(viaLinks);
    // A link back down: both plan the reverse direction on its own, around it.
    topo.setLinkOper('s1-s2.b', false);
    const around = reverseOf(planner.plan(spec, s1, s4));
    expect(around).toMatchObject({ nodes: ['s4', 's3', 's1'] });
    expect(reverseOf(direct.plan(spec, s1, s4))).toEqual(around);
  });
});
