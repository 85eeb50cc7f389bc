import type { FlowAction } from '../../model/flow.js';
import { bigintToMac, macToBigint } from './p4-bytes.js';

/**
 * The model's action lists that sdnc_lsp.p4 can carry out, one P4 action each. An action list is
 * recognised by its exact shape (the sequences the intent compiler and the crankback compiler emit);
 * anything else is not expressible on this pipeline and is refused with a reason instead of being
 * approximated. `build` is the inverse of `parse`, so what is read back equals what was written.
 */

export type P4Params = Readonly<Record<string, bigint>>;

export interface ActionShape {
  /** P4 action (alias in the P4Info). */
  readonly name: string;
  /** Tables (aliases) whose entries or action-profile members may use it. */
  readonly tables: readonly string[];
  /** Takes the `meter_id` parameter (classify's ingress actions; 0 = not policed). */
  readonly metered: boolean;
  parse(actions: readonly FlowAction[]): P4Params | undefined;
  build(params: P4Params): FlowAction[];
}

export const CLASSIFY = 'classify';
export const LABEL_FORWARD = 'label_forward';
export const NEXT_HOP = 'next_hop';

const num = (a: FlowAction | undefined, type: FlowAction['type']) => (a?.type === type ? a : undefined);
const portOf = (a: FlowAction | undefined): bigint | undefined => {
  const o = num(a, 'output');
  return o?.type === 'output' && typeof o.port === 'number' ? BigInt(o.port) : undefined;
};
const isPushVlan = (a: FlowAction | undefined) => a?.type === 'push-vlan' && (a.ethType === undefined || a.ethType === 0x8100);
const vidOf = (a: FlowAction | undefined) => (a?.type === 'set-vlan-vid' ? BigInt(a.vid) : undefined);
const macOf = (a: FlowAction | undefined) => (a?.type === 'set-eth-dst' ? macToBigint(a.mac) : undefined);
const groupOf = (a: FlowAction | undefined) => (a?.type === 'group' ? BigInt(a.groupId) : undefined);

function all(params: Record<string, bigint | undefined>): P4Params | undefined {
  for (const v of Object.values(params)) if (v === undefined) return undefined;
  return params as P4Params;
}

const output = (p: P4Params): FlowAction => ({ type: 'output', port: Number(p.port) });

export const ACTION_SHAPES: readonly ActionShape[] = [
  {
    name: 'push_label',
    tables: [CLASSIFY],
    metered: true,
    parse: (a) => (a.length === 3 && isPushVlan(a[0]) ? all({ vid: vidOf(a[1]), port: portOf(a[2]) }) : undefined),
    build: (p) => [{ type: 'push-vlan' }, { type: 'set-vlan-vid', vid: Number(p.vid) }, output(p)],
  },
  {
    name: 'push_label_group',
    tables: [CLASSIFY],
    metered: true,
    parse: (a) => (a.length === 3 && isPushVlan(a[0]) ? all({ vid: vidOf(a[1]), group_id: groupOf(a[2]) }) : undefined),
    build: (p) => [
      { type: 'push-vlan' },
      { type: 'set-vlan-vid', vid: Number(p.vid) },
      { type: 'group', groupId: Number(p.group_id) },
    ],
  },
  {
    name: 'set_port',
    tables: [CLASSIFY],
    metered: true,
    parse: (a) => (a.length === 1 ? all({ port: portOf(a[0]) }) : undefined),
    build: (p) => [output(p)],
  },
  {
    name: 'set_mac_port',
    tables: [CLASSIFY],
    metered: true,
    parse: (a) => (a.length === 2 ? all({ dst_mac: macOf(a[0]), port: portOf(a[1]) }) : undefined),
    build: (p) => [{ type: 'set-eth-dst', mac: bigintToMac(p.dst_mac) }, output(p)],
  },
  {
    name: 'send_to_cpu',
    tables: [CLASSIFY],
    metered: false,
    parse: (a) => (a.length === 1 && a[0].type === 'output' && a[0].port === 'controller' ? {} : undefined),
    build: () => [{ type: 'output', port: 'controller' }],
  },
  {
    name: 'drop',
    tables: [CLASSIFY, LABEL_FORWARD, NEXT_HOP],
    metered: false,
    parse: (a) => (a.length === 0 ? {} : undefined),
    build: () => [],
  },
  {
    name: 'forward',
    tables: [LABEL_FORWARD, NEXT_HOP],
    metered: false,
    parse: (a) => (a.length === 1 ? all({ port: portOf(a[0]) }) : undefined),
    build: (p) => [output(p)],
  },
  {
    name: 'forward_group',
    tables: [LABEL_FORWARD],
    metered: false,
    parse: (a) => (a.length === 1 ? all({ group_id: groupOf(a[0]) }) : undefined),
    build: (p) => [{ type: 'group', groupId: Number(p.group_id) }],
  },
  {
    name: 'pop_and_deliver',
    tables: [CLASSIFY, LABEL_FORWARD],
    metered: false,
    parse: (a) => (a.length === 3 && a[0].type === 'pop-vlan' ? all({ port: portOf(a[2]), dst_mac: macOf(a[1]) }) : undefined),
    build: (p) => [{ type: 'pop-vlan' }, { type: 'set-eth-dst', mac: bigintToMac(p.dst_mac) }, output(p)],
  },
  {
    name: 'pop_label',
    tables: [CLASSIFY, LABEL_FORWARD],
    metered: false,
    parse: (a) => (a.length === 2 && a[0].type === 'pop-vlan' ? all({ port: portOf(a[1]) }) : undefined),
    build: (p) => [{ type: 'pop-vlan' }, output(p)],
  },
  {
    name: 'swap_label',
    tables: [LABEL_FORWARD, NEXT_HOP],
    metered: false,
    parse: (a) => (a.length === 2 ? all({ vid: vidOf(a[0]), port: portOf(a[1]) }) : undefined),
    build: (p) => [{ type: 'set-vlan-vid', vid: Number(p.vid) }, output(p)],
  },
  {
    // OpenFlow needs the reserved port IN_PORT to send a frame back where it came from (1.3 section
    // 7.2.1); in P4 the action copies ingress_port to egress_spec.
    name: 'bounce_label',
    tables: [NEXT_HOP],
    metered: false,
    parse: (a) => (a.length === 2 && a[1].type === 'output' && a[1].port === 'in-port' ? all({ vid: vidOf(a[0]) }) : undefined),
    build: (p) => [
      { type: 'set-vlan-vid', vid: Number(p.vid) },
      { type: 'output', port: 'in-port' },
    ],
  },
];

export const SHAPE_BY_NAME: ReadonlyMap<string, ActionShape> = new Map(ACTION_SHAPES.map((s) => [s.name, s]));

/** The P4 action for an action list in `table`, or undefined when the pipeline cannot express it. */
export function matchShape(table: string, actions: readonly FlowAction[]): { shape: ActionShape; params: P4Params } | undefined {
  for (const shape of ACTION_SHAPES) {
    if (!shape.tables.includes(table)) continue;
    const params = shape.parse(actions);
    if (params) return { shape, params };
  }
  return undefined;
}
