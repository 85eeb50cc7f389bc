import { describe, expect, it } from 'vitest';
import { CapacityWatch } from '../../../src/intent/capacity-watch.js';
import { MeterIds } from '../../../src/intent/meter-ids.js';
import type { TopoLink } from '../../../src/model/topology.js';
import { link } from '../path/support/graph-builder.js';

function watch() {
  const links = new Map<string, TopoLink>([['ab', link({ id: 'ab', src: 'a', dst: 'b', latencyMs: 1, provider: 'p' })]]);
  const meters = new MeterIds();
  let labelsFree = 10;
  const w = new CapacityWatch(
    { findLink: (id) => links.get(id) },
    {
      get labelsFree() {
        return labelsFree;
      },
      metersFreedSinceMark: () => meters.freedSinceMark(),
      markMeters: () => meters.markUse(),
    },
  );
  const setLabelsFree = (n: number) => {
    labelsFree = n;
  };
  return { w, links, meters, setLabelsFree };
}

describe('CapacityWatch', () => {
  it('sees a meter id freed on one switch although another switch took one in the same pass', () => {
    const { w, meters } = watch();
    meters.allocate('s1', 1);
    w.mark();
    meters.release('s1', 1, 1);
    meters.allocate('s2', 2);
    expect(w.labelsGrew()).toBe(true);
    w.mark();
    expect(w.take()).toBe(true);
    // Taken: nothing grew since.
    expect(w.take()).toBe(false);
  });

  it('takes a booking rolled back in the same pass as no growth, and a release as growth', () => {
    const { w, links, setLabelsFree } = watch();
    const before = links.get('ab') as TopoLink;
    w.linkChanged('ab', before);
    links.set('ab', { ...before, reservedMbps: 10 });
    links.set('ab', before);
    w.mark();
    expect(w.take()).toBe(false);
    links.set('ab', { ...before, reservedMbps: 10 });
    w.mark();
    w.linkChanged('ab', links.get('ab'));
    links.set('ab', before);
    expect(w.take()).toBe(true);
    // Labels: more free than at the last mark.
    setLabelsFree(11);
    expect(w.labelsGrew()).toBe(true);
  });
});
