/**
 * OpenFlow 1.3 codec throughput against os-ken's parser, measured in the same run.
 *
 * Mix: a FLOW_MOD with a 9-field match and meter / apply-actions / goto-table instructions, a
 * PACKET_IN carrying a 60-byte frame, and a MULTIPART flow-stats reply with 100 entries. Ours are
 * timed here; os-ken's inside a Python child process (bench/osken_codec_bench.py) on the very same
 * bytes. os-ken can serialize only what a controller sends, so the encode comparison is FLOW_MOD.
 * Prints a table of ratios and one JSON line. Never fails because the machine is slow; the os-ken
 * baseline is reported as unavailable when python3-os-ken is not installed.
 *
 * Run alone: `npx tsx bench/openflow-codec-bench.ts`, or through `make bench`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  decodeMessage,
  encodeMessage,
  OFP_NO_BUFFER,
  OfpActionType,
  OfpFlowModFlags,
  type OfpFlowStats,
  OfpGroupId,
  OfpInstructionType,
  type OfpMessage,
  OfpMultipartType,
  OfpPortNo,
  OfpType,
  OxmOfbField,
} from '../src/southbound/openflow/codec/index.js';

const PYTHON = '/usr/bin/python3';
const OSKEN_SCRIPT = fileURLToPath(new URL('./osken_codec_bench.py', import.meta.url));

const flowMod: OfpMessage = {
  type: OfpType.OFPT_FLOW_MOD,
  xid: 10,
  cookie: 0x123456789abcdef0n,
  cookieMask: 0n,
  tableId: 0,
  command: 0,
  idleTimeout: 30,
  hardTimeout: 300,
  priority: 1000,
  bufferId: OFP_NO_BUFFER,
  outPort: OfpPortNo.OFPP_ANY,
  outGroup: OfpGroupId.OFPG_ANY,
  flags: OfpFlowModFlags.OFPFF_SEND_FLOW_REM | OfpFlowModFlags.OFPFF_CHECK_OVERLAP,
  match: [
    { field: OxmOfbField.OFPXMT_OFB_IN_PORT, value: 1 },
    { field: OxmOfbField.OFPXMT_OFB_ETH_DST, value: '00:11:22:33:44:00', mask: 'ff:ff:ff:ff:ff:00' },
    { field: OxmOfbField.OFPXMT_OFB_ETH_SRC, value: 'aa:bb:cc:dd:ee:ff' },
    { field: OxmOfbField.OFPXMT_OFB_ETH_TYPE, value: 0x0800 },
    { field: OxmOfbField.OFPXMT_OFB_IP_PROTO, value: 6 },
    { field: OxmOfbField.OFPXMT_OFB_IPV4_SRC, value: '10.0.1.0', mask: '255.255.255.0' },
    { field: OxmOfbField.OFPXMT_OFB_IPV4_DST, value: '192.0.2.7' },
    { field: OxmOfbField.OFPXMT_OFB_TCP_SRC, value: 12345 },
    { field: OxmOfbField.OFPXMT_OFB_TCP_DST, value: 443 },
  ],
  instructions: [
    { type: OfpInstructionType.OFPIT_METER, meterId: 7 },
    {
      type: OfpInstructionType.OFPIT_APPLY_ACTIONS,
      actions: [
        { type: OfpActionType.OFPAT_PUSH_VLAN, ethertype: 0x8100 },
        { type: OfpActionType.OFPAT_SET_FIELD, field: { field: OxmOfbField.OFPXMT_OFB_VLAN_VID, value: 0x1000 | 42 } },
        { type: OfpActionType.OFPAT_DEC_NW_TTL },
        { type: OfpActionType.OFPAT_OUTPUT, port: 2, maxLen: 0 },
      ],
    },
    { type: OfpInstructionType.OFPIT_GOTO_TABLE, tableId: 1 },
  ],
};

const frame = Buffer.from(
  `ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002${'00'.repeat(18)}`,
  'hex',
);

const packetIn: OfpMessage = {
  type: OfpType.OFPT_PACKET_IN,
  xid: 0,
  bufferId: OFP_NO_BUFFER,
  totalLen: frame.length,
  reason: 1,
  tableId: 0,
  cookie: 0xc0ffeen,
  match: [
    { field: OxmOfbField.OFPXMT_OFB_IN_PORT, value: 3 },
    { field: OxmOfbField.OFPXMT_OFB_ETH_TYPE, value: 0x0806 },
  ],
  data: frame,
};

function flowStats(i: number): OfpFlowStats {
  return {
    tableId: i % 4,
    durationSec: 100 + i,
    durationNsec: 500,
    priority: 1000 + i,
    idleTimeout: 0,
    hardTimeout: 0,
    flags: 1,
    cookie: BigInt(i),
    packetCount: BigInt(i * 1000),
    byteCount: BigInt(i * 1500000),
    match: [
      { field: OxmOfbField.OFPXMT_OFB_IN_PORT, value: 1 + (i % 8) },
      { field: OxmOfbField.OFPXMT_OFB_ETH_TYPE, value: 0x0800 },
      { field: OxmOfbField.OFPXMT_OFB_IPV4_DST, value: `10.${i >> 8}.${i & 255}.0`, mask: '255.255.255.0' },
    ],
    instructions: [
      {
        type: OfpInstructionType.OFPIT_APPLY_ACTIONS,
        actions: [
          { type: OfpActionType.OFPAT_SET_FIELD, field: { field: OxmOfbField.OFPXMT_OFB_VLAN_VID, value: 0x1000 | i } },
          { type: OfpActionType.OFPAT_OUTPUT, port: 2 + (i % 3), maxLen: 0 },
        ],
      },
    ],
  };
}

const flowStatsReply: OfpMessage = {
  type: OfpType.OFPT_MULTIPART_REPLY,
  xid: 43,
  flags: 0,
  mpType: OfpMultipartType.OFPMP_FLOW,
  body: Array.from({ length: 100 }, (_, i) => flowStats(i)),
};

const MIX = { flowMod, packetIn, flowStatsReply } as const;
type Kind = keyof typeof MIX;

/** Operations per second of fn, after a warm-up, over at least durationMs. */
function rate(fn: () => unknown, durationMs: number): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs * 1e6);
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

interface OskenResult {
  encode: { flowMod: number };
  decode: Record<Kind, number>;
  entries: Record<Kind, number>;
  flowModHex: string;
}

function runOsken(bytes: Record<Kind, Buffer>, durationS: number): OskenResult | { unavailable: string } {
  const input = JSON.stringify({
    durationS,
    decode: Object.fromEntries(Object.entries(bytes).map(([k, b]) => [k, b.toString('hex')])),
  });
  const child = spawnSync(PYTHON, [OSKEN_SCRIPT], { input, encoding: 'utf8', timeout: 120_000 });
  if (child.error || child.status !== 0) {
    return { unavailable: (child.error?.message ?? child.stderr.trim().split('\n').pop()) || 'os-ken run failed' };
  }
  return JSON.parse(child.stdout) as OskenResult;
}

const round = (x: number): number => Math.round(x);
const ratio = (a: number, b: number): number => Math.round((a / b) * 10) / 10;

export async function runOpenflowCodecBench(options: { durationMs?: number } = {}): Promise<object> {
  const durationMs = options.durationMs ?? 500;
  const bytes = {
    flowMod: encodeMessage(MIX.flowMod),
    packetIn: encodeMessage(MIX.packetIn),
    flowStatsReply: encodeMessage(MIX.flowStatsReply),
  };
  const kinds = Object.keys(MIX) as Kind[];
  const ours = {
    encode: Object.fromEntries(kinds.map((k) => [k, round(rate(() => encodeMessage(MIX[k]), durationMs))])) as Record<
      Kind,
      number
    >,
    decode: Object.fromEntries(kinds.map((k) => [k, round(rate(() => decodeMessage(bytes[k]), durationMs))])) as Record<
      Kind,
      number
    >,
  };
  // One round of the mix = one message of each kind.
  const decodeRound = (): void => {
    for (const k of kinds) decodeMessage(bytes[k]);
  };
  const mixOurs = round(rate(decodeRound, durationMs) * kinds.length);
  const osken = runOsken(bytes, durationMs / 1000);
  const result: Record<string, unknown> = {
    bench: 'openflow-codec',
    messageBytes: { flowMod: bytes.flowMod.length, packetIn: bytes.packetIn.length, flowStatsReply: bytes.flowStatsReply.length },
    oursOpsPerS: ours,
    oursMixDecodeMsgsPerS: mixOurs,
  };
  if ('unavailable' in osken) {
    result.osken = osken;
    return result;
  }
  if (osken.flowModHex !== bytes.flowMod.toString('hex')) throw new Error('os-ken built a different FLOW_MOD than ours');
  if (osken.entries.flowStatsReply !== 100) throw new Error('os-ken did not parse 100 flow stats entries');
  // Mix rate for os-ken from its per-kind times: a round costs the sum of one decode of each kind.
  const oskenMix = kinds.length / kinds.reduce((s, k) => s + 1 / osken.decode[k], 0);
  result.oskenOpsPerS = {
    encode: { flowMod: round(osken.encode.flowMod) },
    decode: Object.fromEntries(kinds.map((k) => [k, round(osken.decode[k])])),
  };
  result.oskenMixDecodeMsgsPerS = round(oskenMix);
  result.ratios = {
    encodeFlowMod: ratio(ours.encode.flowMod, osken.encode.flowMod),
    ...Object.fromEntries(kinds.map((k) => [`decode${k[0].toUpperCase()}${k.slice(1)}`, ratio(ours.decode[k], osken.decode[k])])),
    decodeMix: ratio(mixOurs, oskenMix),
  };
  result.target = 'ours >= 20x os-ken';
  return result;
}

function printTable(r: Record<string, unknown>): void {
  const ours = r.oursOpsPerS as { encode: Record<string, number>; decode: Record<string, number> };
  const osken = r.oskenOpsPerS as { encode: Record<string, number>; decode: Record<string, number> } | undefined;
  const ratios = (r.ratios ?? {}) as Record<string, number>;
  console.log('OpenFlow 1.3 codec, operations per second (ours vs os-ken, same bytes, same run)');
  for (const op of ['encode', 'decode'] as const) {
    for (const [kind, n] of Object.entries(ours[op])) {
      const theirs = osken?.[op][kind];
      const key = `${op}${kind[0].toUpperCase()}${kind.slice(1)}`;
      const cmp = theirs === undefined ? 'os-ken: n/a' : `os-ken ${theirs.toLocaleString('en')}  ratio ${ratios[key]}x`;
      console.log(`  ${op.padEnd(6)} ${kind.padEnd(15)} ours ${n.toLocaleString('en').padStart(12)}   ${cmp}`);
    }
  }
  if (ratios.decodeMix !== undefined) console.log(`  decode mix ratio ${ratios.decodeMix}x (target >= 20x)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = (await runOpenflowCodecBench()) as Record<string, unknown>;
  printTable(result);
  console.log(JSON.stringify(result));
}
