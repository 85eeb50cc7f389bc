import { SdncError } from '../model/errors.js';
import { PrefixIndex, parseIpPrefix } from './prefix-index.js';
import type { SchemaProblem, TopologyDoc } from './topology-schema.js';

/**
 * Cross-reference checks a JSON Schema cannot express: ids must be unique and known, datapath ids and
 * prefixes must not collide, a port carries one cable or one endpoint, and every cable's latency must be
 * given or computable. Runs only on a document that passed the schema, and reports every problem at once
 * so an operator can fix a file in one pass.
 */
export function checkSemantics(doc: TopologyDoc): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });

  const providers = uniqueIds(doc.providers, '/providers', 'provider', report);
  const nodeIndex = new Map(doc.nodes.map((n, i) => [n.id, i]));
  const endpointIds = new Set((doc.endpoints ?? []).map((e) => e.id));
  uniqueIds(doc.nodes, '/nodes', 'node', report);
  uniqueIds(doc.endpoints ?? [], '/endpoints', 'endpoint', report);
  doc.endpoints?.forEach((e, i) => {
    if (nodeIndex.has(e.id)) report(`/endpoints/${i}/id`, `'${e.id}' is already the id of node /nodes/${nodeIndex.get(e.id)}`);
  });
  uniqueIds(doc.cables ?? [], '/cables', 'cable', report);

  const knownProvider = (path: string, id: string | undefined) => {
    if (id !== undefined && !providers.has(id)) report(path, `names provider '${id}', which is not in /providers`);
  };
  /** Records a reference to a forwarding node; false when it does not exist. */
  const knownNode = (path: string, id: string): boolean => {
    if (nodeIndex.has(id)) return true;
    if (endpointIds.has(id)) {
      report(path, `names '${id}', which is an endpoint; endpoints connect through their attachment, not cables`);
    } else {
      report(path, `names node '${id}', which is not in /nodes`);
    }
    return false;
  };

  const dpids = new Map<string, number>();
  const declaredPorts = new Map<string, Set<number>>();
  doc.nodes.forEach((n, i) => {
    knownProvider(`/nodes/${i}/provider`, n.provider);
    if (n.datapathId !== undefined) {
      const dpid = normaliseDatapathId(n.datapathId);
      const first = dpids.get(dpid);
      if (first !== undefined) report(`/nodes/${i}/datapathId`, `datapath id ${dpid} is already used by /nodes/${first}`);
      else dpids.set(dpid, i);
    }
    if (n.ports) {
      const numbers = new Set<number>();
      n.ports.forEach((p, j) => {
        if (numbers.has(p.number))
          report(`/nodes/${i}/ports/${j}/number`, `port ${p.number} is declared twice on node '${n.id}'`);
        numbers.add(p.number);
      });
      declaredPorts.set(n.id, numbers);
    }
  });

  const portUsers = new Map<string, string>();
  const usePort = (path: string, node: string, port: number | undefined) => {
    if (port === undefined) return;
    const declared = declaredPorts.get(node);
    if (declared && !declared.has(port)) report(path, `port ${port} is not among the ports declared for node '${node}'`);
    const key = `${node}\u0000${port}`;
    const first = portUsers.get(key);
    if (first !== undefined) report(path, `port ${port} of node '${node}' is already used by ${first}`);
    else portUsers.set(key, path.replace(/\/port$/, ''));
  };

  doc.cables?.forEach((c, i) => {
    const at = `/cables/${i}`;
    knownProvider(`${at}/provider`, c.provider);
    const aOk = knownNode(`${at}/a/node`, c.a.node);
    const bOk = knownNode(`${at}/b/node`, c.b.node);
    if (aOk && bOk && c.a.node === c.b.node) report(at, `connects node '${c.a.node}' to itself`);
    if (aOk) usePort(`${at}/a/port`, c.a.node, c.a.port);
    if (bOk) usePort(`${at}/b/port`, c.b.node, c.b.port);
    if (c.latencyMs === undefined && aOk && bOk) {
      for (const end of [c.a.node, c.b.node]) {
        if (!doc.nodes[nodeIndex.get(end)!].location) {
          report(at, `has no latencyMs and node '${end}' has no location to compute it from; add one of the two`);
        }
      }
    }
  });

  const prefixes = new PrefixIndex<string>();
  doc.endpoints?.forEach((e, i) => {
    const at = `/endpoints/${i}`;
    knownProvider(`${at}/provider`, e.provider);
    if (knownNode(`${at}/attachment/node`, e.attachment.node))
      usePort(`${at}/attachment/port`, e.attachment.node, e.attachment.port);
    const own = new Set<string>();
    e.addresses.forEach((addr, j) => {
      try {
        const canonical = parseIpPrefix(addr).text;
        if (own.has(canonical)) report(`${at}/addresses/${j}`, `${canonical} is listed twice`);
        own.add(canonical);
        prefixes.add(addr, e.id);
      } catch (err) {
        if (!(err instanceof SdncError)) throw err;
        report(
          `${at}/addresses/${j}`,
          err.code === 'SDNC_ERR_PREFIX_CONFLICT' ? err.message : `'${addr}' is not a valid IPv4 or IPv6 address or CIDR prefix`,
        );
      }
    });
  });
  return problems;
}

/** Lower-case 16 hex digits, the form devices are named by everywhere in the controller. */
export function normaliseDatapathId(text: string): string {
  const hex = text.toLowerCase().startsWith('0x') ? text.slice(2) : text;
  return hex.toLowerCase().padStart(16, '0');
}

function uniqueIds(
  items: readonly { readonly id: string }[],
  base: string,
  what: string,
  report: (path: string, message: string) => void,
): Set<string> {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const prev = first.get(item.id);
    if (prev !== undefined) report(`${base}/${i}/id`, `duplicate ${what} id '${item.id}' (first at ${base}/${prev})`);
    else first.set(item.id, i);
  });
  return new Set(first.keys());
}
