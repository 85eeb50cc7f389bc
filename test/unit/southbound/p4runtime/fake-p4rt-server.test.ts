import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientRole, P4RuntimeClient, P4WriteError } from '../../../../src/southbound/p4runtime/p4runtime-client.js';
import { type FieldMatch, UpdateType } from '../../../../src/southbound/p4runtime/p4runtime-messages.js';
import { loadSdncLspP4Info, p4RuntimeClientConstructor } from '../../../../src/southbound/p4runtime/p4runtime-proto.js';
import { FakeP4RuntimeServer } from './support/fake-p4rt-server.js';

/** The test server itself must follow the specification, or the driver tests prove nothing. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve() {
  const server = new FakeP4RuntimeServer({ deviceIds: [0n, 1n] });
  const port = await server.start();
  cleanups.push(() => server.stop());
  return { server, port };
}

function client(port: number, deviceId: bigint, electionId: bigint) {
  const roles: { role: ClientRole; reason: string }[] = [];
  const c = new P4RuntimeClient(
    { address: `127.0.0.1:${port}`, deviceId, electionId },
    { onRole: (role, reason) => roles.push({ role, reason }), onPacketIn: () => {}, onStreamError: () => {} },
    { reconnectMinMs: 20 },
  );
  c.start();
  cleanups.push(() => c.close());
  return Object.assign(c, { roles });
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('FakeP4RuntimeServer', () => {
  it('makes the highest election id primary and tells the others ALREADY_EXISTS; device id 0 is accepted', async () => {
    const { port } = await serve();
    const a = client(port, 0n, 3n);
    await until(() => a.role === 'primary');
    const b = client(port, 0n, 2n);
    await until(() => b.roles.length > 0);
    expect(b.role).toBe('backup');
    expect(b.roles[0].reason).toMatch(/another client/);
  });

  it('never makes a stream without an election id primary: NOT_FOUND (no primary)', async () => {
    const { port } = await serve();
    const Ctor = p4RuntimeClientConstructor();
    const raw = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as Record<
      string,
      () => grpc.ClientDuplexStream<object, { arbitration?: { status?: { code?: number } } }>
    > &
      grpc.Client;
    cleanups.push(() => raw.close());
    const stream = raw.StreamChannel();
    cleanups.push(() => stream.cancel());
    const got = new Promise<number | undefined>((resolve) => stream.on('data', (m) => resolve(m.arbitration?.status?.code)));
    stream.on('error', () => {});
    stream.write({ arbitration: { deviceId: '1' } });
    expect(await got).toBe(grpc.status.NOT_FOUND);
  });

  it('prechecks writes in order: unknown device, not primary, no pipeline', async () => {
    const { port } = await serve();
    const primary = client(port, 1n, 5n);
    await until(() => primary.role === 'primary');
    const backup = client(port, 1n, 4n);
    await until(() => backup.role === 'backup');
    const stranger = client(port, 7n, 9n);
    const update = { type: UpdateType.INSERT, entity: { tableEntry: { tableId: 0x02000002 } } };
    const codeOf = (p: Promise<void>) =>
      p.then(
        () => 0,
        (e: P4WriteError) => e.grpcCode,
      );
    expect(await codeOf(stranger.write([update]))).toBe(grpc.status.NOT_FOUND);
    expect(await codeOf(backup.write([update]))).toBe(grpc.status.PERMISSION_DENIED);
    expect(await codeOf(primary.write([update]))).toBe(grpc.status.FAILED_PRECONDITION);
  });

  it('validates entries against the P4Info and answers one error per update', async () => {
    const { port } = await serve();
    const c = client(port, 1n, 1n);
    await until(() => c.role === 'primary');
    await c.setPipeline({ p4info: loadSdncLspP4Info(), cookie: { cookie: '1' } });
    const exact = (fieldId: number, value: number[]): FieldMatch => ({ fieldId, exact: { value: Buffer.from(value) } });
    const fwd = { action: { actionId: 0x01000007, params: [{ paramId: 1, value: Buffer.from([2]) }] } };
    const lf = (match: FieldMatch[], extra: object = {}) => ({
      type: UpdateType.INSERT,
      entity: { tableEntry: { tableId: 0x02000002, match, action: fwd, ...extra } },
    });
    const err = (await c
      .write([
        lf([exact(1, [1]), exact(2, [100])]),
        lf([exact(1, [0, 1]), exact(2, [100])]),
        lf([exact(1, [2])]),
        lf([exact(1, [3]), exact(2, [100])], { priority: 10 }),
        lf([exact(1, [4]), exact(2, [0x10, 0])]),
        lf([exact(1, [1]), exact(2, [100])]),
        { type: UpdateType.DELETE, entity: { tableEntry: { tableId: 0x02000002, match: [exact(1, [9]), exact(2, [1])] } } },
      ])
      .catch((e: unknown) => e)) as P4WriteError;
    expect(err).toBeInstanceOf(P4WriteError);
    expect(err.perUpdate.map((e) => [e.canonicalCode ?? 0, e.message ?? ''])).toEqual([
      [0, ''],
      [grpc.status.INVALID_ARGUMENT, expect.stringMatching(/not canonical/)],
      [grpc.status.INVALID_ARGUMENT, expect.stringMatching(/exact field vid is missing/)],
      [grpc.status.INVALID_ARGUMENT, expect.stringMatching(/priority must be 0/)],
      [grpc.status.INVALID_ARGUMENT, expect.stringMatching(/does not fit in 12 bits/)],
      [grpc.status.ALREADY_EXISTS, expect.any(String)],
      [grpc.status.NOT_FOUND, expect.any(String)],
    ]);
  });
});
