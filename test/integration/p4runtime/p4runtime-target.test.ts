import { describe, expect, it } from 'vitest';
import type { DriverEvent } from '../../../src/flow/driver.js';
import type { FlowRule } from '../../../src/model/flow.js';
import { datapathIdOf } from '../../../src/southbound/p4runtime/p4-device-config.js';
import { P4RuntimeClient } from '../../../src/southbound/p4runtime/p4runtime-client.js';
import { P4RuntimeDriver } from '../../../src/southbound/p4runtime/p4runtime-driver.js';
import { loadSdncLspP4Info } from '../../../src/southbound/p4runtime/p4runtime-proto.js';

/**
 * Against a real P4Runtime target running sdnc_lsp.p4, e.g. bmv2:
 *   simple_switch_grpc --device-id 1 --no-p4 -- --grpc-server-addr 0.0.0.0:9559 --cpu-port 255
 *   SDNC_P4RT_TARGET=127.0.0.1:9559 SDNC_P4RT_DEVICE_ID=1 SDNC_P4RT_DEVICE_CONFIG=build/sdnc_lsp.json npx vitest run test/integration/p4runtime
 * The device config is the bmv2 JSON p4c writes (p4/README.md). Skipped when SDNC_P4RT_TARGET is unset.
 */
const target = process.env.SDNC_P4RT_TARGET;
const deviceId = BigInt(process.env.SDNC_P4RT_DEVICE_ID ?? '1');
const configPath = process.env.SDNC_P4RT_DEVICE_CONFIG;

describe.skipIf(!target)('P4Runtime driver against a real target (SDNC_P4RT_TARGET)', () => {
  it('reports its API version, takes the device, writes and reads back a rule', async () => {
    const { readFileSync } = await import('node:fs');
    const probe = new P4RuntimeClient(
      { address: target!, deviceId, electionId: 1n },
      { onRole: () => {}, onPacketIn: () => {}, onStreamError: () => {} },
    );
    try {
      expect(await probe.capabilities()).toMatch(/^1\.\d+\.\d+/);
    } finally {
      probe.close();
    }
    const driver = new P4RuntimeDriver({
      targets: [{ address: target!, deviceId, electionId: 10n }],
      p4info: loadSdncLspP4Info(),
      ...(configPath ? { deviceConfig: readFileSync(configPath) } : {}),
      pipelineCookie: BigInt(Date.now()),
      bytesForm: process.env.SDNC_P4RT_FULL_WIDTH ? 'full-width' : 'canonical',
    });
    const device = datapathIdOf(deviceId);
    const events: DriverEvent[] = [];
    driver.subscribe((e) => events.push(e));
    driver.start();
    try {
      const end = Date.now() + 15_000;
      while (!driver.isConnected(device) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(driver.isConnected(device)).toBe(true);
      const rule: FlowRule = {
        device,
        tableId: 0,
        priority: 20000,
        match: { inPort: 1, vlanVid: 100 },
        actions: [{ type: 'output', port: 2 }],
        cookie: 99,
      };
      await driver.apply(device, {
        addMeters: [],
        modifyMeters: [],
        addGroups: [],
        modifyGroups: [],
        addFlows: [rule],
        modifyFlows: [],
        deleteFlows: [],
        deleteGroups: [],
        deleteMeters: [],
      });
      const state = await driver.readState(device);
      expect(state.flows).toContainEqual(rule);
      expect(state.flows).toContainEqual(driver.infrastructureRules(device)[0]);
    } finally {
      driver.stop();
    }
  }, 30_000);
});
