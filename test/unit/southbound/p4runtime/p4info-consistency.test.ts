import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { P4InfoIndex } from '../../../../src/southbound/p4runtime/p4info-index.js';
import { loadSdncLspP4Info, p4Dir } from '../../../../src/southbound/p4runtime/p4runtime-proto.js';

/**
 * The hand-written P4Info against the program it describes. No P4 compiler runs here, so this checks
 * what can be read off the source: every action with its parameters and widths, every table key with
 * its @name and match kind, the controller headers, and that the binary is the text encoded.
 */
const program = readFileSync(join(p4Dir(), 'sdnc_lsp.p4'), 'utf8');
const p4info = loadSdncLspP4Info();
const hasProtoc = existsSync('/usr/bin/protoc');

describe('p4/sdnc_lsp.p4info', () => {
  it('declares each action of the program with the same parameters and bitwidths', () => {
    for (const a of p4info.actions ?? []) {
      const alias = a.preamble.alias!;
      const m = new RegExp(`action ${alias}\\(([^)]*)\\)`).exec(program);
      expect(m, `action ${alias} in sdnc_lsp.p4`).not.toBeNull();
      const params = m![1].trim() === '' ? [] : m![1].split(',').map((p) => /bit<(\d+)>\s+(\w+)/.exec(p.trim())!);
      expect(params.map((p) => [p[2], Number(p[1])])).toEqual((a.params ?? []).map((p) => [p.name, p.bitwidth]));
    }
  });

  it('declares each table key with its name and match kind, in order', () => {
    for (const t of p4info.tables ?? []) {
      const body = new RegExp(`table ${t.preamble.alias} \\{[\\s\\S]*?key = \\{([\\s\\S]*?)\\}`).exec(program)![1];
      const keys = [...body.matchAll(/:\s*(\w+)(?:\s+@name\("(\w+)"\))?;/g)].filter((k) => k[1] !== 'selector');
      const kinds: Record<number, string> = { 2: 'exact', 3: 'lpm', 4: 'ternary' };
      expect(keys.map((k) => [k[2], k[1]])).toEqual((t.matchFields ?? []).map((f) => [f.name, kinds[f.matchType!]]));
    }
  });

  it('names the controller headers and ids with their kind prefixes', () => {
    const index = new P4InfoIndex(p4info);
    expect(index.controllerHeader('packet_in')?.metadata?.map((m) => [m.name, m.bitwidth])).toEqual([
      ['ingress_port', 9],
      ['_pad', 7],
    ]);
    expect(program).toContain('@controller_header("packet_out")');
    expect(index.table('next_hop').implementationId).toBe(index.actionProfile('ff_selector').preamble.id);
  });

  it.skipIf(!hasProtoc)('has a binary form that is the text form encoded (p4/gen-p4info.sh)', () => {
    const encoded = execFileSync(
      'protoc',
      ['-I', join(p4Dir(), 'proto'), '-I/usr/include', '--encode=p4.config.v1.P4Info', 'p4/config/v1/p4info.proto'],
      {
        input: readFileSync(join(p4Dir(), 'sdnc_lsp.p4info.txtpb')),
      },
    );
    expect(encoded).toEqual(readFileSync(join(p4Dir(), 'sdnc_lsp.p4info.bin')));
  });
});
