import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUp } from '../../../src/app/find-up.js';

// root/package.json, root/p4/proto/p4/v1/p4runtime.proto, root/a/b/package.json, root/a/b/c/d/e/mod.js
let root: string;
let deep: string;

function file(path: string, text = ''): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sdnc-find-up-'));
  deep = join(root, 'a', 'b', 'c', 'd', 'e');
  file(join(root, 'package.json'), '{"version":"1.0.0"}');
  file(join(root, 'p4', 'proto', 'p4', 'v1', 'p4runtime.proto'), 'syntax = "proto3";');
  file(join(root, 'a', 'b', 'package.json'), '{"version":"2.0.0"}');
  file(join(deep, 'mod.js'), 'export {};');
  file(join(root, 'openapi.yaml'), 'openapi: 3.1.0');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('findUp', () => {
  it('finds the marker in the start directory itself', () => {
    expect(findUp(root, 'package.json')).toBe(root);
    expect(findUp(join(root, 'a', 'b'), 'package.json')).toBe(join(root, 'a', 'b'));
  });

  it('returns the nearest directory holding the marker on the way up', () => {
    expect(findUp(deep, 'package.json')).toBe(join(root, 'a', 'b'));
    expect(findUp(join(root, 'a'), 'package.json')).toBe(root);
    expect(findUp(deep, 'openapi.yaml')).toBe(root);
  });

  it('takes a marker with several path segments and returns the directory holding it, not the marker', () => {
    expect(findUp(deep, join('p4', 'proto', 'p4', 'v1', 'p4runtime.proto'))).toBe(root);
    expect(findUp(deep, join('p4', 'proto', 'p4', 'v1', 'p4info.proto'))).toBeUndefined();
  });

  it("starts from a module's directory when given its file: URL", () => {
    const moduleUrl = pathToFileURL(join(deep, 'mod.js')).href;
    expect(findUp(moduleUrl, 'package.json')).toBe(join(root, 'a', 'b'));
    expect(findUp(moduleUrl, 'mod.js')).toBe(deep);
    expect(findUp(moduleUrl, 'openapi.yaml')).toBe(root);
  });

  it('looks at no more than maxDirs directories, the start one included', () => {
    // deep, d, c, b, a, root: the root is the sixth directory looked at.
    expect(findUp(deep, 'openapi.yaml', 5)).toBeUndefined();
    expect(findUp(deep, 'openapi.yaml', 6)).toBe(root);
    expect(findUp(deep, 'mod.js', 1)).toBe(deep);
    expect(findUp(deep, 'mod.js', 0)).toBeUndefined();
  });

  it('returns undefined when no directory up to the file-system root holds the marker', () => {
    expect(findUp(deep, `no-such-marker-${randomUUID()}`)).toBeUndefined();
  });
});
