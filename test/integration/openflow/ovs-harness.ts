import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Throwaway Open vSwitch bridges, veth pairs and network namespaces for integration tests.
 *
 * Every name starts with the harness prefix so that tests of different areas never touch each
 * other's objects; `cleanup()` removes exactly what this harness made (and, on start, leftovers with
 * the same prefix from a run that was killed). Commands run asynchronously so the controller under
 * test, in the same process, keeps answering its switches while OVS is being configured.
 */
export class OvsHarness {
  private readonly bridges = new Set<string>();
  private readonly links = new Set<string>();
  private readonly namespaces = new Set<string>();

  /** `prefix` must be unique to the test file, e.g. "sdofd" (at most 6 characters). */
  constructor(readonly prefix: string) {
    if (!/^[a-z][a-z0-9]{1,5}$/.test(prefix)) throw new Error(`harness prefix ${prefix} must be 2-6 lower-case characters`);
  }

  /** Whether OVS is installed and its database answers. */
  static async available(): Promise<boolean> {
    try {
      await run('ovs-vsctl', ['--timeout=3', 'show']);
      return true;
    } catch {
      return false;
    }
  }

  name(suffix: string): string {
    const n = this.prefix + suffix;
    if (n.length > 15) throw new Error(`interface name ${n} exceeds 15 characters`);
    return n;
  }

  /** Remove leftovers of an earlier run of the same test file (same prefix). */
  async removeStale(): Promise<void> {
    const { stdout } = await run('ovs-vsctl', ['--timeout=5', 'list-br']);
    for (const br of stdout.split('\n').filter((b) => b.startsWith(this.prefix)))
      await sh('ovs-vsctl', ['--if-exists', 'del-br', br]);
    const ns = await run('ip', ['netns', 'list']);
    for (const line of ns.stdout.split('\n')) {
      const n = line.split(' ')[0];
      if (n?.startsWith(this.prefix)) await sh('ip', ['netns', 'delete', n]);
    }
    const links = await run('ip', ['-o', 'link', 'show']);
    for (const m of links.stdout.matchAll(/^\d+: ([^:@]+)[:@]/gm)) {
      if (m[1].startsWith(this.prefix)) await sh('ip', ['link', 'delete', m[1]]);
    }
  }

  /** A userspace OpenFlow 1.3 bridge in secure fail mode with a fixed datapath id, pointed at a controller. */
  async addBridge(suffix: string, datapathId: string, controllerTarget?: string): Promise<string> {
    const br = this.name(suffix);
    this.bridges.add(br);
    await run('ovs-vsctl', [
      '--timeout=10',
      '--may-exist',
      'add-br',
      br,
      '--',
      'set',
      'bridge',
      br,
      'datapath_type=netdev',
      'protocols=OpenFlow13',
      'fail-mode=secure',
      `other-config:datapath-id=${datapathId}`,
    ]);
    if (controllerTarget) await this.setController(br, controllerTarget);
    return br;
  }

  /** Point a bridge at a controller ("tcp:127.0.0.1:PORT" or "ssl:..."), with short probe/backoff so tests stay fast. */
  async setController(br: string, target: string): Promise<void> {
    await run('ovs-vsctl', ['--timeout=10', 'set-controller', br, target]);
    await run('ovs-vsctl', ['--timeout=10', 'set', 'controller', br, 'max_backoff=1000', 'inactivity_probe=0']);
  }

  async delController(br: string): Promise<void> {
    await run('ovs-vsctl', ['--timeout=10', 'del-controller', br]);
  }

  /** A veth pair `<prefix><a>` <-> `<prefix><b>`, both up. */
  async addVethPair(a: string, b: string): Promise<[string, string]> {
    const [na, nb] = [this.name(a), this.name(b)];
    this.links.add(na);
    await run('ip', ['link', 'add', na, 'type', 'veth', 'peer', 'name', nb]);
    await run('ip', ['link', 'set', na, 'up']);
    await run('ip', ['link', 'set', nb, 'up']);
    return [na, nb];
  }

  /** A veth pair `<prefix><a>` <-> `<prefix><b>` whose `a` end is attached to `br` as OpenFlow port `ofport`. */
  async addVethPort(br: string, a: string, b: string, ofport: number): Promise<[string, string]> {
    const pair = await this.addVethPair(a, b);
    await this.addPort(br, pair[0], ofport);
    return pair;
  }

  /** Attach a kernel interface to a bridge as the given OpenFlow port number. */
  async addPort(br: string, iface: string, ofport: number): Promise<void> {
    await run('ovs-vsctl', ['--timeout=10', 'add-port', br, iface, '--', 'set', 'interface', iface, `ofport_request=${ofport}`]);
  }

  /** Move `iface` into a fresh namespace `<prefix><nsSuffix>` with an address (e.g. "10.0.0.1/24"). */
  async addHost(nsSuffix: string, iface: string, cidr: string, mac: string): Promise<string> {
    const ns = this.name(nsSuffix);
    this.namespaces.add(ns);
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['link', 'set', iface, 'netns', ns]);
    await run('ip', ['-n', ns, 'link', 'set', iface, 'address', mac]);
    await run('ip', ['-n', ns, 'addr', 'add', cidr, 'dev', iface]);
    await run('ip', ['-n', ns, 'link', 'set', iface, 'up']);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  async inNamespace(ns: string, cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run('ip', ['netns', 'exec', ns, cmd, ...args], { timeout: 20_000 });
  }

  async setLink(iface: string, up: boolean): Promise<void> {
    await run('ip', ['link', 'set', iface, up ? 'up' : 'down']);
  }

  async ofctl(...args: string[]): Promise<string> {
    const { stdout } = await run('ovs-ofctl', ['-O', 'OpenFlow13', ...args], { timeout: 20_000 });
    return stdout;
  }

  async vsctl(...args: string[]): Promise<string> {
    const { stdout } = await run('ovs-vsctl', ['--timeout=10', ...args]);
    return stdout;
  }

  /** Remove everything this harness created; never throws (runs in afterAll even after failures). */
  async cleanup(): Promise<void> {
    for (const br of this.bridges) await sh('ovs-vsctl', ['--timeout=10', '--if-exists', 'del-br', br]);
    for (const ns of this.namespaces) await sh('ip', ['netns', 'delete', ns]);
    for (const l of this.links) await sh('ip', ['link', 'delete', l]);
    this.bridges.clear();
    this.namespaces.clear();
    this.links.clear();
  }
}

async function sh(cmd: string, args: string[]): Promise<void> {
  try {
    await run(cmd, args);
  } catch {
    // Already gone.
  }
}
