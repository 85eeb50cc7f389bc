import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DriverEvent } from '../../../../src/flow/driver.js';
import { SdncError } from '../../../../src/model/errors.js';
import type { DeviceBatch, DeviceState, FlowRule } from '../../../../src/model/flow.js';
import { P4RuntimeDriver } from '../../../../src/southbound/p4runtime/p4runtime-driver.js';
import { encodeMessage, loadSdncLspP4Info, p4Dir } from '../../../../src/southbound/p4runtime/p4runtime-proto.js';
import { tracePacket } from './support/fake-p4rt-dataplane.js';
import { FakeP4RuntimeServer } from './support/fake-p4rt-server.js';
import { compileSquareIntent, DPID, peerOf } from './support/lsp-fixture.js';

const p4info = loadSdncLspP4Info();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: { devices?: number; rollback?: boolean; election?: bigint } = {}) {
  const ids = Array.from({ length: opts.devices ?? 1 }, (_, i) => BigInt(i + 1));
  const server = new FakeP4RuntimeServer({ deviceIds: ids, rollbackSupported: opts.rollback ?? false });
  const port = await server.start();
  cleanups.push(() => server.stop());
  const driver = newDriver(port, ids, opts.election ?? 1n);
  return { server, port, driver, ids };
}

function newDriver(port: number, ids: bigint[], electionId: bigint) {
  const driver = new P4RuntimeDriver({
    targets: ids.map((deviceId) => ({ address: `127.0.0.1:${port}`, deviceId, electionId })),
    p4info,
    pipelineCookie: 42n,
    client: { reconnectMinMs: 20, reconnectMaxMs: 100, rpcTimeoutMs: 3000 },
  });
  const events: DriverEvent[] = [];
  driver.subscribe((e) => events.push(e));
  driver.start();
  cleanups.push(() => driver.stop());
  return Object.assign(driver, { events });
}

async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const empty: DeviceBatch = {
  addMeters: [],
  modifyMeters: [],
  addGroups: [],
  modifyGroups: [],
  addFlows: [],
  modifyFlows: [],
  deleteFlows: [],
  deleteGroups: [],
  deleteMeters: [],
};

const sortState = (s: DeviceState) => ({
  flows: [...s.flows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  groups: [...s.groups].sort((a, b) => a.groupId - b.groupId),
  meters: [...s.meters].sort((a, b) => a.meterId - b.meterId),
});

describe('P4RuntimeDriver against the in-process P4Runtime server', () => {
  it('becomes primary, pushes the pipeline in full and installs the LLDP punt before announcing the device', async () => {
    const { server, driver } = await setup();
    await waitFor(() => driver.isConnected(DPID(1)), 'device-connected');
    expect(driver.events[0]).toEqual({ type: 'device-connected', device: DPID(1), ports: [] });
    const pipeline = server.devices.get(1n)!.pipeline!;
    expect(pipeline.config.cookie?.cookie).toBe('42');
    // Re-encoding what the server received gives the P4Info file byte for byte: no field was dropped.
    expect(encodeMessage('p4.config.v1.P4Info', pipeline.config.p4info!)).toEqual(
      readFileSync(join(p4Dir(), 'sdnc_lsp.p4info.bin')),
    );
    const state = await driver.readState(DPID(1));
    expect(state.flows).toEqual(driver.infrastructureRules(DPID(1)));
  });

  it('follows arbitration: the higher election id takes over, the other becomes backup', async () => {
    const { port, driver: low } = await setup({ election: 5n });
    await waitFor(() => low.isConnected(DPID(1)), 'first primary');
    const high = newDriver(port, [1n], 9n);
    await waitFor(() => high.isConnected(DPID(1)) && !low.isConnected(DPID(1)), 'takeover');
    expect(low.events.at(-1)).toMatchObject({ type: 'device-disconnected', device: DPID(1) });
    await expect(low.apply(DPID(1), empty)).rejects.toMatchObject({ code: 'SDNC_ERR_DEVICE_NOT_CONNECTED' });
    high.stop();
    await waitFor(() => low.isConnected(DPID(1)), 'primary again after the other left');
  });

  it('applies an intent compiled for four switches, reads back what it wrote and forwards along it', async () => {
    const { server, driver } = await setup({ devices: 4 });
    await waitFor(() => driver.connectedDevices().length === 4, 'four devices');
    const intent = compileSquareIntent();
    for (let n = 1; n <= 4; n++) {
      const device = DPID(n);
      const batch: DeviceBatch = {
        ...empty,
        addMeters: intent.meters.filter((m) => m.device === device),
        addGroups: intent.groups.filter((g) => g.device === device),
        addFlows: intent.flows.filter((f) => f.device === device),
      };
      await driver.apply(device, batch);
      const expected: DeviceState = {
        flows: [...batch.addFlows, ...driver.infrastructureRules(device)],
        groups: batch.addGroups,
        meters: batch.addMeters,
      };
      expect(sortState(await driver.readState(device))).toEqual(sortState(expected));
    }

    // h1 -> h2, hop by hop through the stored entries.
    const trace = (down: Set<string> = new Set()) => {
      const hops: string[] = [];
      let at = { sw: 's1', port: 1 };
      let vid: number | undefined;
      for (let i = 0; i < 8; i++) {
        const n = Number(at.sw.slice(1));
        const portsDown = new Set([...down].filter((d) => d.startsWith(`${at.sw}:`)).map((d) => Number(d.split(':')[1])));
        const r = tracePacket(
          server.devices.get(BigInt(n))!,
          {
            inPort: at.port,
            vid,
            fields: { eth_type: 0x0800n, ipv4_src: 0x0a000001n, ipv4_dst: 0x0a000002n },
          },
          portsDown,
        );
        hops.push(`${at.sw}:${r.action}:${r.out}`);
        if (typeof r.out !== 'number') return hops;
        vid = r.vid;
        if (at.sw === 's3' && r.out === 1) return [...hops, `delivered vid=${vid}`];
        const next = peerOf(at.sw, r.out);
        if (!next || down.has(`${at.sw}:${r.out}`)) return [...hops, 'lost'];
        at = next;
      }
      return [...hops, 'loop'];
    };
    expect(trace()).toEqual([
      's1:push_label_group -> forward:2',
      's2:forward_group -> forward:2',
      's3:pop_and_deliver:1',
      'delivered vid=undefined',
    ]);
    // s1's own primary port down: the ingress group takes the backup.
    expect(trace(new Set(['s1:2', 's2:1']))).toEqual([
      's1:push_label_group -> forward:3',
      's4:forward:2',
      's3:pop_and_deliver:1',
      'delivered vid=undefined',
    ]);
    // The s2-s3 cable cut: s2 cranks back to s1, which moves the frame onto the backup.
    const cut = trace(new Set(['s2:2', 's3:2']));
    expect(cut).toEqual([
      's1:push_label_group -> forward:2',
      's2:forward_group -> bounce_label:1',
      's1:swap_label:3',
      's4:forward:2',
      's3:pop_and_deliver:1',
      'delivered vid=undefined',
    ]);
  });

  it('reports each refused update, rolls back where the target supports it and falls back where it does not', async () => {
    for (const rollback of [true, false]) {
      const { server, driver } = await setup({ rollback });
      await waitFor(() => driver.isConnected(DPID(1)), 'connected');
      const ok: FlowRule = {
        device: DPID(1),
        tableId: 0,
        priority: 100,
        match: { inPort: 1, ethType: 0x0800 },
        actions: [],
        cookie: 3,
      };
      const dup = driver.infrastructureRules(DPID(1))[0];
      const err = await driver.apply(DPID(1), { ...empty, addFlows: [ok, dup] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SdncError);
      const e = err as SdncError;
      expect(e.code).toBe('SDNC_ERR_DEVICE_REJECTED');
      expect(e.details.failed).toBe(1);
      expect(e.details.refused).toEqual([
        expect.objectContaining({ code: 'ALREADY_EXISTS', entry: expect.stringContaining('65535') }),
      ]);
      const flows = (await driver.readState(DPID(1))).flows;
      expect(flows.some((f) => f.cookie === 3)).toBe(!rollback);
      expect(server.writes.at(-1)?.atomicity ?? 0).toBe(rollback ? 1 : 0);
      await server.stop();
    }
  });

  it('refuses rules the pipeline cannot express before sending anything', async () => {
    const { server, driver } = await setup();
    await waitFor(() => driver.isConnected(DPID(1)), 'connected');
    const before = server.writes.length;
    const bad: FlowRule = {
      device: DPID(1),
      tableId: 0,
      priority: 5,
      match: { inPort: 1 },
      actions: [{ type: 'dec-ttl' }],
      cookie: 1,
    };
    await expect(driver.apply(DPID(1), { ...empty, addFlows: [bad] })).rejects.toMatchObject({ code: 'SDNC_ERR_FLOW_INVALID' });
    expect(server.writes.length).toBe(before);
  });

  it('reconnects after the agent drops the stream, without pushing the pipeline again', async () => {
    const { server, driver } = await setup();
    await waitFor(() => driver.isConnected(DPID(1)), 'connected');
    const rule: FlowRule = { device: DPID(1), tableId: 0, priority: 9, match: { inPort: 2 }, actions: [], cookie: 11 };
    await driver.apply(DPID(1), { ...empty, addFlows: [rule] });
    server.dropStreams();
    await waitFor(() => driver.events.some((e) => e.type === 'device-disconnected'), 'disconnect');
    await waitFor(() => driver.isConnected(DPID(1)), 'reconnect');
    expect(driver.events.filter((e) => e.type === 'device-connected')).toHaveLength(2);
    // Same cookie: the pipeline (and with it the forwarding state) was kept.
    expect((await driver.readState(DPID(1))).flows).toContainEqual(rule);
  });

  it('sends packet-outs with one metadata per packet_out field and turns packet-ins into events', async () => {
    const { server, driver } = await setup();
    await waitFor(() => driver.isConnected(DPID(1)), 'connected');
    await driver.packetOut(DPID(1), 258, Buffer.from('frame'));
    await waitFor(() => server.packetsOut.length === 1, 'packet-out');
    expect(server.packetsOut[0].metadata).toEqual([
      { id: 1, value: Buffer.from([1, 2]) },
      { id: 2, value: Buffer.from([0]) },
    ]);
    server.packetIn(1n, Buffer.from('lldp'), [
      { metadataId: 1, value: Buffer.from([7]) },
      { metadataId: 2, value: Buffer.from([0]) },
    ]);
    await waitFor(() => driver.events.some((e) => e.type === 'packet-in'), 'packet-in');
    expect(driver.events.find((e) => e.type === 'packet-in')).toEqual({
      type: 'packet-in',
      device: DPID(1),
      inPort: 7,
      frame: Buffer.from('lldp'),
    });
  });
});
