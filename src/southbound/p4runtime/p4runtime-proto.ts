import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { findUp } from '../../app/find-up.js';
import type { P4Info } from './p4runtime-messages.js';

/**
 * Loads the P4Runtime protos (p4/proto: P4Runtime v1.4.x, wire-compatible with 1.3.0) once per process.
 * The gRPC service goes through @grpc/proto-loader; standalone messages (google.rpc.Status and
 * p4.v1.Error from the grpc-status-details-bin trailer, the P4Info binary) through protobufjs with the
 * same object conventions: lowerCamelCase names, uint64/int64 as decimal strings, bytes as Buffer,
 * enums as numbers, unset fields absent, and a virtual property naming the set member of each oneof.
 */

export const PROTO_FILES = [
  'p4/v1/p4runtime.proto',
  'p4/v1/p4data.proto',
  'p4/config/v1/p4info.proto',
  'p4/config/v1/p4types.proto',
  'google/rpc/status.proto',
];

const CONVERSION = { longs: String, enums: Number, bytes: Buffer, defaults: false, oneofs: true } as const;

/** The project's p4/ directory, found upwards from this module (works from src/ and from dist/src/). */
export function p4Dir(): string {
  const dir = findUp(import.meta.url, join('p4', 'proto', 'p4', 'v1', 'p4runtime.proto'));
  if (dir === undefined) throw new Error('p4/proto not found above the P4Runtime driver');
  return join(dir, 'p4');
}

let service: grpc.ServiceDefinition | undefined;
let clientCtor: grpc.ServiceClientConstructor | undefined;
let root: protobuf.Root | undefined;

function loadService(): void {
  const def = protoLoader.loadSync(PROTO_FILES, { ...CONVERSION, keepCase: false, includeDirs: [join(p4Dir(), 'proto')] });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { p4: { v1: { P4Runtime: grpc.ServiceClientConstructor } } };
  clientCtor = pkg.p4.v1.P4Runtime;
  service = clientCtor.service;
}

/** The p4.v1.P4Runtime service definition (servers add it with addService). */
export function p4RuntimeService(): grpc.ServiceDefinition {
  if (!service) loadService();
  return service!;
}

export function p4RuntimeClientConstructor(): grpc.ServiceClientConstructor {
  if (!clientCtor) loadService();
  return clientCtor!;
}

function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  const base = join(p4Dir(), 'proto');
  // google/protobuf/* come from protobufjs' bundled copies; everything else from p4/proto.
  r.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(base, target));
  r.loadSync(PROTO_FILES, { keepCase: false });
  r.resolveAll();
  root = r;
  return r;
}

/** Encodes a plain object (the conventions above) as the message `typeName`. */
export function encodeMessage(typeName: string, value: object): Buffer {
  const t = protoRoot().lookupType(typeName);
  return Buffer.from(t.encode(t.fromObject(value)).finish());
}

/** Decodes bytes as `typeName`; throws on malformed input. */
export function decodeMessage<T>(typeName: string, bytes: Uint8Array): T {
  const t = protoRoot().lookupType(typeName);
  return t.toObject(t.decode(bytes), CONVERSION) as T;
}

/** Reads a binary P4Info (the form `p4/gen-p4info.sh` writes). */
export function loadP4InfoFile(path: string): P4Info {
  return decodeMessage<P4Info>('p4.config.v1.P4Info', readFileSync(path));
}

/** The P4Info of the project's own program, p4/sdnc_lsp.p4. */
export function loadSdncLspP4Info(): P4Info {
  return loadP4InfoFile(join(p4Dir(), 'sdnc_lsp.p4info.bin'));
}

/**
 * The pipeline cookie for a P4Info binary and device config: the first 8 bytes of their SHA-256, so a
 * device keeps its forwarding state across controller restarts and is re-programmed only when the
 * program changed (the driver compares it with GetForwardingPipelineConfig's cookie).
 */
export function pipelineCookieOf(p4infoBinary: Buffer, deviceConfig: Buffer = Buffer.alloc(0)): bigint {
  const h = createHash('sha256').update(p4infoBinary).update(deviceConfig).digest();
  return h.readBigUInt64BE(0);
}
