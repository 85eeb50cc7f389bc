import { describe, expect, it } from 'vitest';
import { FlowService } from '../../../src/flow/flow-service.js';
import type { ResolvedEndpoint } from '../../../src/intent/endpoint-resolver.js';
import { IntentRules } from '../../../src/intent/intent-rules.js';
import type { IntentPaths } from '../../../src/intent/intent-types.js';
import { LabelAllocator } from '../../../src/intent/label-allocator.js';
import { MeterIds } from '../../../src/intent/meter-ids.js';
import type { Path } from '../../../src/model/path.js';
import { IntentHarness } from './intent-harness.js';

/** IntentRules.plan: the tunnel plans of intents on one paths object are made once per topology version. */
describe('IntentRules tunnel plans', () => {
  async function setup() {
    const h = await IntentHarness.create();
    const rules = new IntentRules(h.topo, new LabelAllocator(), new MeterIds(), new FlowService());
    const host = (id: string): ResolvedEndpoint => {
      const n = h.topo.getNode(id);
      const at = n.attachment!;
      return {
        node: at.node,
        hosts: [{ endpoint: id, node: at.node, port: at.port, mac: n.mac, prefixes: [...(n.addresses ?? [])] }],
      };
    };
    const path = (nodes: string[], links: string[]): Path => ({
      nodes,
      links,
      latencyMs: 2,
      cost: 2,
      energyJPerGbit: 0,
      hops: links.length,
      bottleneckMbps: 1000,
    });
    const link = (src: string, dst: string) => h.topo.links().find((l) => l.src === src && l.dst === dst)!;
    const s1s2 = link('s1', 's2');
    const s2s4 = link('s2', 's4');
    const paths: IntentPaths = {
      forward: { primary: path(['s1', 's2', 's4'], [s1s2.id, s2s4.id]), active: 'primary' },
    } as IntentPaths;
    return { h, rules, paths, ends: { src: host('h1'), dst: host('h2') }, s1s2 };
  }

  it('hands the same plans to intents on the same paths and resolutions while the topology is unchanged', async () => {
    const { rules, paths, ends } = await setup();
    const first = rules.plan(ends, paths);
    expect(first.ok).toBe(true);
    expect(rules.plan(ends, paths)).toBe(first);
    // Other resolutions (a new array of hosts) are planned anew, to the same tunnel.
    const other = rules.plan({ src: ends.src, dst: { ...ends.dst, hosts: [...ends.dst.hosts] } }, paths);
    expect(other).not.toBe(first);
    expect(other.ok && first.ok && other.forward.key).toBe(first.ok && first.forward.key);
  });

  it('plans again after the topology changed, with what the topology says now', async () => {
    const { h, rules, paths, ends, s1s2 } = await setup();
    const first = rules.plan(ends, paths);
    expect(first.ok && first.forward.shape.primaryOut).toBe(2);
    // The switch renumbered the port the path leaves s1 on.
    h.topo.updateLink(s1s2.id, (l) => ({ ...l, srcPort: 7 }));
    const again = rules.plan(ends, paths);
    expect(again).not.toBe(first);
    expect(again.ok && again.forward.shape.primaryOut).toBe(7);
    expect(again.ok && first.ok && again.forward.key).not.toBe(first.ok && first.forward.key);
    // A link that is gone makes the same paths unprogrammable, not the plans of before.
    h.topo.removeLink(s1s2.id);
    const gone = rules.plan(ends, paths);
    expect(gone.ok).toBe(false);
    expect(!gone.ok && gone.reason.code).toBe('not-programmable');
  });
});
