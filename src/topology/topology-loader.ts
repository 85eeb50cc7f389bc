import { readFileSync } from 'node:fs';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import { SdncError } from '../model/errors.js';
import type { SwitchPort, TopoLink, TopoNode } from '../model/topology.js';
import { defaultEnergyJPerGbit, ENERGY_J_PER_GBIT_PER_HOP, fibreLatencyMs, greatCircleKm } from './fibre-model.js';
import { checkSemantics, normaliseDatapathId } from './topology-checks.js';
import { checkSchema, isTopologyDoc, type ProviderDoc, type SchemaProblem, type TopologyDoc } from './topology-schema.js';

/** A topology file turned into the controller's value types, ready to be put into a TopologyStore. */
export interface LoadedTopology {
  readonly file: string;
  readonly name?: string;
  readonly providers: readonly ProviderDoc[];
  /** Forwarding nodes first, then endpoints (kind `endpoint`), in file order. */
  readonly nodes: readonly TopoNode[];
  /** Two directed links per cable: `<cable>.a` from a to b, `<cable>.b` back. */
  readonly links: readonly TopoLink[];
}

/** Where loaded values go: a TopologyStore, or a service that fronts one. */
export interface TopologySink {
  addNode(node: TopoNode): void;
  addLink(link: TopoLink): void;
}

/** Reads, validates and converts a topology file. Throws SDNC_ERR_TOPOLOGY_FILE listing every problem. */
export function loadTopologyFile(file: string): LoadedTopology {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file does not exist' : String((err as Error).message);
    throw new SdncError('SDNC_ERR_TOPOLOGY_FILE', { file, reason, problems: [`${file}: ${reason}`] });
  }
  return parseTopology(text, file);
}

/**
 * Parses topology YAML (JSON is YAML too). `file` only names the source in messages. Each problem reads
 * `<file>: <JSON pointer> <what is wrong> (line N)`.
 */
export function parseTopology(text: string, file: string): LoadedTopology {
  const lines = new LineCounter();
  const yamlDoc = parseDocument(text, { lineCounter: lines });
  if (yamlDoc.errors.length > 0) {
    fail(
      file,
      yamlDoc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const what = e.message.split('\n')[0].replace(/ at line \d+, column \d+:$/, '');
        return `${file}: YAML syntax error: ${what}${pos ? ` (line ${pos.line})` : ''}`;
      }),
    );
  }
  const data: unknown = yamlDoc.toJS({ maxAliasCount: 1000 });
  const schemaProblems = checkSchema(data);
  if (schemaProblems.length > 0 || !isTopologyDoc(data)) fail(file, render(file, schemaProblems, yamlDoc, lines));
  const semanticProblems = checkSemantics(data);
  if (semanticProblems.length > 0) fail(file, render(file, semanticProblems, yamlDoc, lines));
  return convert(data, file);
}

/** Adds nodes before links so every link finds its ends. */
export function applyTopology(topology: LoadedTopology, sink: TopologySink): void {
  for (const n of topology.nodes) sink.addNode(n);
  for (const l of topology.links) sink.addLink(l);
}

function fail(file: string, problems: string[]): never {
  // The message already names the file; each entry of `problems` names it too, for printing one a line.
  const first = problems[0].startsWith(`${file}: `) ? problems[0].slice(file.length + 2) : problems[0];
  const reason = problems.length === 1 ? first : `${problems.length} problems, first: ${first}`;
  throw new SdncError('SDNC_ERR_TOPOLOGY_FILE', { file, reason, problems });
}

function render(file: string, problems: readonly SchemaProblem[], doc: Document, lines: LineCounter): string[] {
  return problems.map((p) => {
    const line = lineOf(p.path, doc, lines);
    return `${file}: ${p.path} ${p.message}${line === undefined ? '' : ` (line ${line})`}`;
  });
}

/** The source line of the deepest YAML node that exists along a JSON pointer. */
function lineOf(pointer: string, doc: Document, lines: LineCounter): number | undefined {
  const keys: (string | number)[] = pointer
    .split('/')
    .slice(1)
    .filter((k) => k !== '')
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k.replace(/~1/g, '/').replace(/~0/g, '~')));
  for (let depth = keys.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(keys.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function convert(doc: TopologyDoc, file: string): LoadedTopology {
  const providers = new Map(doc.providers.map((p) => [p.id, p]));
  const usedPorts = new Map<string, Set<number>>();
  const use = (node: string, port: number | undefined) => {
    if (port === undefined) return;
    const set = usedPorts.get(node) ?? new Set<number>();
    set.add(port);
    usedPorts.set(node, set);
  };
  for (const c of doc.cables ?? []) {
    use(c.a.node, c.a.port);
    use(c.b.node, c.b.port);
  }
  for (const e of doc.endpoints ?? []) use(e.attachment.node, e.attachment.port);

  const byId = new Map<string, TopoNode>();
  const nodes: TopoNode[] = doc.nodes.map((n) => {
    const node: TopoNode = {
      id: n.id,
      kind: n.kind,
      name: n.name,
      provider: n.provider,
      jurisdiction: n.jurisdiction,
      ...(n.location && { location: { lat: n.location.lat, lon: n.location.lon } }),
      ...(n.datapathId !== undefined && { datapathId: normaliseDatapathId(n.datapathId) }),
      ...portsOf(n.ports, usedPorts.get(n.id)),
      // A site with a switch is up once that switch connects (the southbound reports it); a site
      // without one has nothing to wait for. Same rule as TopologyService for nodes added over the API.
      operUp: n.datapathId === undefined,
    };
    byId.set(n.id, node);
    return node;
  });

  for (const e of doc.endpoints ?? []) {
    const at = byId.get(e.attachment.node)!;
    const location = e.location ?? at.location;
    nodes.push({
      id: e.id,
      kind: 'endpoint',
      name: e.name,
      provider: e.provider ?? at.provider,
      jurisdiction: e.jurisdiction ?? at.jurisdiction,
      ...(location && { location: { lat: location.lat, lon: location.lon } }),
      addresses: [...e.addresses],
      ...(e.mac !== undefined && { mac: e.mac.toLowerCase() }),
      attachment: { node: e.attachment.node, port: e.attachment.port },
      operUp: at.operUp,
    });
  }

  const links: TopoLink[] = [];
  for (const c of doc.cables ?? []) {
    const a = byId.get(c.a.node)!;
    const b = byId.get(c.b.node)!;
    const km = a.location && b.location ? greatCircleKm(a.location, b.location) : undefined;
    const shared = {
      cable: c.id,
      capacityMbps: c.capacityMbps,
      reservedMbps: 0,
      latencyMs: c.latencyMs ?? fibreLatencyMs(a.location!, b.location!),
      measuredLatencyMs: null,
      jitterMs: null,
      cost: c.cost ?? providers.get(c.provider)?.costPerMbps ?? 1,
      energyJPerGbit: c.energyJPerGbit ?? (km === undefined ? ENERGY_J_PER_GBIT_PER_HOP : defaultEnergyJPerGbit(km)),
      srlgs: [...(c.srlgs ?? [])],
      provider: c.provider,
      adminUp: true,
      operUp: true,
      discovered: false,
    };
    links.push(
      { id: `${c.id}.a`, src: a.id, dst: b.id, ...ports(c.a.port, c.b.port), ...shared },
      { id: `${c.id}.b`, src: b.id, dst: a.id, ...ports(c.b.port, c.a.port), ...shared },
    );
  }
  return { file, ...(doc.name !== undefined && { name: doc.name }), providers: doc.providers, nodes, links };
}

function ports(srcPort: number | undefined, dstPort: number | undefined): { srcPort?: number; dstPort?: number } {
  return { ...(srcPort !== undefined && { srcPort }), ...(dstPort !== undefined && { dstPort }) };
}

/** Declared ports as written; otherwise the ports cables and attachments use, so a site knows its ports. */
function portsOf(declared: TopologyDoc['nodes'][number]['ports'], used: Set<number> | undefined): { ports?: SwitchPort[] } {
  if (declared) {
    return {
      ports: declared.map((p) => ({
        number: p.number,
        name: p.name ?? `eth${p.number}`,
        ...(p.mac !== undefined && { mac: p.mac.toLowerCase() }),
        up: true,
      })),
    };
  }
  if (!used || used.size === 0) return {};
  return { ports: [...used].sort((x, y) => x - y).map((n) => ({ number: n, name: `eth${n}`, up: true })) };
}
