import type { IntentFailure, IntentLabels, IntentPaths, IntentRecord, StateChange } from '../intent/intent-types.js';
import { linksOfPaths } from '../intent/path-planner.js';

/** The intent store's tables (migrations in order), row shapes and column encodings. */

export const INTENT_MIGRATIONS = [
  `CREATE TABLE intents (
     key INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     spec TEXT NOT NULL,
     state TEXT NOT NULL,
     reason TEXT,
     paths TEXT,
     reserved_links TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE intent_history (
     intent_key INTEGER NOT NULL REFERENCES intents(key) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     state TEXT NOT NULL,
     at INTEGER NOT NULL,
     reason TEXT,
     PRIMARY KEY (intent_key, seq)
   );
   CREATE TABLE intent_labels (
     label INTEGER PRIMARY KEY,
     intent_key INTEGER NOT NULL REFERENCES intents(key) ON DELETE CASCADE,
     direction TEXT NOT NULL CHECK (direction IN ('forward', 'reverse'))
   );
   CREATE TABLE intent_idempotency (
     idem_key TEXT PRIMARY KEY,
     body_hash TEXT NOT NULL,
     intent_key INTEGER NOT NULL REFERENCES intents(key) ON DELETE CASCADE,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE intent_key_seq (one INTEGER PRIMARY KEY CHECK (one = 1), last_key INTEGER NOT NULL);`,
  // Crankback labels (local repair of protected paths): SQLite cannot alter a CHECK, so the table is rebuilt.
  `CREATE TABLE intent_labels_v2 (
     label INTEGER PRIMARY KEY,
     intent_key INTEGER NOT NULL REFERENCES intents(key) ON DELETE CASCADE,
     direction TEXT NOT NULL CHECK (direction IN ('forward', 'reverse', 'forwardCrankback', 'reverseCrankback'))
   );
   INSERT INTO intent_labels_v2 (label, intent_key, direction) SELECT label, intent_key, direction FROM intent_labels;
   DROP TABLE intent_labels;
   ALTER TABLE intent_labels_v2 RENAME TO intent_labels;`,
  // Replacing an intent's labels and deleting an intent (cascade) look rows up by intent: without these
  // every label change scanned the whole table.
  `CREATE INDEX intent_labels_by_intent ON intent_labels (intent_key);
   CREATE INDEX intent_idempotency_by_intent ON intent_idempotency (intent_key);`,
  // Shared tunnels: intents on the same paths to the same hosts share one label, so a label may be held
  // by many intents; each intent holds one value per role. Meter ids (unique per ingress switch, not per
  // network) are held the same way. The key moves from the label to (intent, role).
  `CREATE TABLE intent_labels_v3 (
     intent_key INTEGER NOT NULL REFERENCES intents(key) ON DELETE CASCADE,
     direction TEXT NOT NULL CHECK (direction IN
       ('forward', 'reverse', 'forwardCrankback', 'reverseCrankback', 'forwardMeter', 'reverseMeter')),
     label INTEGER NOT NULL,
     PRIMARY KEY (intent_key, direction)
   ) WITHOUT ROWID;
   INSERT INTO intent_labels_v3 (intent_key, direction, label) SELECT intent_key, direction, label FROM intent_labels;
   DROP TABLE intent_labels;
   ALTER TABLE intent_labels_v3 RENAME TO intent_labels;`,
  // The same table with the role CHECK written as comparisons: SQLite checks `direction IN (<constants>)`
  // by building a temporary index of the constants for every row written (about half the cost of a label
  // row); the comparisons accept the same roles at no cost.
  `CREATE TABLE intent_labels_v4 (
     intent_key INTEGER NOT NULL REFERENCES intents(key) ON DELETE CASCADE,
     direction TEXT NOT NULL CHECK (direction = 'forward' OR direction = 'reverse' OR direction = 'forwardCrankback'
       OR direction = 'reverseCrankback' OR direction = 'forwardMeter' OR direction = 'reverseMeter'),
     label INTEGER NOT NULL,
     PRIMARY KEY (intent_key, direction)
   ) WITHOUT ROWID;
   INSERT INTO intent_labels_v4 (intent_key, direction, label) SELECT intent_key, direction, label FROM intent_labels;
   DROP TABLE intent_labels;
   ALTER TABLE intent_labels_v4 RENAME TO intent_labels;`,
  // Labels and meter ids as columns of the intent row (written with it: a batch wrote four label rows per
  // intent, the largest share of its commit), paths once per paths object in intent_paths (intents
  // admitted together share their paths; the intent rows, updated at every step, are a third as large),
  // history without a rowid (one b-tree per row instead of
  // two) and without a foreign key (checking the intent of every history row cost a quarter of writing
  // it; the store deletes an intent's history with it), and no index on id (always `intent-<key>`, never
  // looked up). The intent table is rebuilt, so its children are too: new tables first, the old ones
  // dropped children first (with foreign keys on, dropping a parent would delete its children's rows),
  // then renamed into place (the renames carry the references along). intent_labels stays as a view of
  // the columns for reading and deleting by hand.
  `CREATE TABLE intents_v6 (
     key INTEGER PRIMARY KEY,
     id TEXT NOT NULL,
     spec TEXT NOT NULL,
     state TEXT NOT NULL,
     reason TEXT,
     paths_id INTEGER,
     reserved_links TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     forward_label INTEGER,
     reverse_label INTEGER,
     forward_crankback_label INTEGER,
     reverse_crankback_label INTEGER,
     forward_meter INTEGER,
     reverse_meter INTEGER
   );
   CREATE TABLE intent_paths (id INTEGER PRIMARY KEY, paths TEXT NOT NULL);
   INSERT INTO intent_paths (paths) SELECT DISTINCT paths FROM intents WHERE paths IS NOT NULL;
   CREATE INDEX intent_paths_v6_by_json ON intent_paths (paths);
   INSERT INTO intents_v6
   SELECT i.key, i.id, i.spec, i.state, i.reason, (SELECT id FROM intent_paths WHERE paths = i.paths),
     i.reserved_links, i.created_at, i.updated_at,
     (SELECT label FROM intent_labels WHERE intent_key = i.key AND direction = 'forward'),
     (SELECT label FROM intent_labels WHERE intent_key = i.key AND direction = 'reverse'),
     (SELECT label FROM intent_labels WHERE intent_key = i.key AND direction = 'forwardCrankback'),
     (SELECT label FROM intent_labels WHERE intent_key = i.key AND direction = 'reverseCrankback'),
     (SELECT label FROM intent_labels WHERE intent_key = i.key AND direction = 'forwardMeter'),
     (SELECT label FROM intent_labels WHERE intent_key = i.key AND direction = 'reverseMeter')
   FROM intents i;
   DROP INDEX intent_paths_v6_by_json;
   CREATE TABLE intent_history_v6 (
     intent_key INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     state TEXT NOT NULL,
     at INTEGER NOT NULL,
     reason TEXT,
     PRIMARY KEY (intent_key, seq)
   ) WITHOUT ROWID;
   INSERT INTO intent_history_v6 (intent_key, seq, state, at, reason)
   SELECT intent_key, seq, state, at, reason FROM intent_history;
   CREATE TABLE intent_idempotency_v6 (
     idem_key TEXT PRIMARY KEY,
     body_hash TEXT NOT NULL,
     intent_key INTEGER NOT NULL REFERENCES intents_v6(key) ON DELETE CASCADE,
     created_at INTEGER NOT NULL
   );
   INSERT INTO intent_idempotency_v6 (idem_key, body_hash, intent_key, created_at)
   SELECT idem_key, body_hash, intent_key, created_at FROM intent_idempotency;
   DROP TABLE intent_labels;
   DROP TABLE intent_history;
   DROP TABLE intent_idempotency;
   DROP TABLE intents;
   ALTER TABLE intents_v6 RENAME TO intents;
   ALTER TABLE intent_history_v6 RENAME TO intent_history;
   ALTER TABLE intent_idempotency_v6 RENAME TO intent_idempotency;
   CREATE INDEX intent_idempotency_by_intent ON intent_idempotency (intent_key);
   CREATE VIEW intent_labels (intent_key, direction, label) AS
     SELECT key, 'forward', forward_label FROM intents WHERE forward_label IS NOT NULL
     UNION ALL SELECT key, 'reverse', reverse_label FROM intents WHERE reverse_label IS NOT NULL
     UNION ALL SELECT key, 'forwardCrankback', forward_crankback_label FROM intents WHERE forward_crankback_label IS NOT NULL
     UNION ALL SELECT key, 'reverseCrankback', reverse_crankback_label FROM intents WHERE reverse_crankback_label IS NOT NULL
     UNION ALL SELECT key, 'forwardMeter', forward_meter FROM intents WHERE forward_meter IS NOT NULL
     UNION ALL SELECT key, 'reverseMeter', reverse_meter FROM intents WHERE reverse_meter IS NOT NULL;
   CREATE TRIGGER intent_labels_delete INSTEAD OF DELETE ON intent_labels BEGIN
     UPDATE intents SET
       forward_label = iif(OLD.direction = 'forward', NULL, forward_label),
       reverse_label = iif(OLD.direction = 'reverse', NULL, reverse_label),
       forward_crankback_label = iif(OLD.direction = 'forwardCrankback', NULL, forward_crankback_label),
       reverse_crankback_label = iif(OLD.direction = 'reverseCrankback', NULL, reverse_crankback_label),
       forward_meter = iif(OLD.direction = 'forwardMeter', NULL, forward_meter),
       reverse_meter = iif(OLD.direction = 'reverseMeter', NULL, reverse_meter)
     WHERE key = OLD.intent_key;
   END;`,
  // History in the intent row: ',[state,at]' or ',[state,at,reason]' per transition, appended by the
  // update that writes the transition's state (a batch wrote four history rows per intent, a third of
  // its commit). intent_history stays as a view of the same rows for readers of the old table.
  `ALTER TABLE intents ADD COLUMN history TEXT NOT NULL DEFAULT '';
   UPDATE intents SET history = coalesce((
     SELECT group_concat(
       ',' || iif(h.reason IS NULL, json_array(h.state, h.at), json_array(h.state, h.at, json(h.reason))), ''
       ORDER BY h.seq)
     FROM intent_history h WHERE h.intent_key = intents.key), '');
   DROP TABLE intent_history;
   CREATE VIEW intent_history (intent_key, seq, state, at, reason) AS
     SELECT i.key, j.key, j.value ->> 0, j.value ->> 1, j.value -> 2
     FROM intents i, json_each('[' || substr(i.history, 2) || ']') j;`,
];

/** The members of IntentLabels, as named in the intent_labels view's direction. */
export const LABEL_ROLES = [
  'forward',
  'reverse',
  'forwardCrankback',
  'reverseCrankback',
  'forwardMeter',
  'reverseMeter',
] as const;
export type LabelRole = (typeof LABEL_ROLES)[number];

/** The intents columns of LABEL_ROLES, in the same order. */
export const LABEL_COLUMNS = [
  'forward_label',
  'reverse_label',
  'forward_crankback_label',
  'reverse_crankback_label',
  'forward_meter',
  'reverse_meter',
] as const;

/**
 * reserved_links of a row whose reserved links are the links of its paths (linksOfPaths, what admission
 * reserves for an intent with bandwidth): most rows, and the links are then not written twice. Never
 * the JSON of an array, so rows of either kind reload.
 */
export const LINKS_OF_PATHS = '';

export interface IntentRow {
  key: number;
  id: string;
  spec: string;
  state: string;
  reason: string | null;
  /** The intent_paths row of its paths, null for none. */
  paths_id: number | null;
  reserved_links: string;
  created_at: number;
  updated_at: number;
  forward_label: number | null;
  reverse_label: number | null;
  forward_crankback_label: number | null;
  reverse_crankback_label: number | null;
  forward_meter: number | null;
  reverse_meter: number | null;
  /** The transitions, see historyText. */
  history: string;
}

/**
 * The history column's text of `history` from entry `from` on: what a write appends to the row (all of
 * it for a new row). Entries as the column holds them (see the migration): ',[state,at(,reason)]'.
 */
export function historyText(history: readonly StateChange[], from: number): string {
  let t = '';
  for (let i = from; i < history.length; i++) {
    const c = history[i];
    t += historyEntry(c.state, c.at, c.reason === undefined ? null : JSON.stringify(c.reason));
  }
  return t;
}

/** One entry of the history column; `reason` as JSON. States are identifiers: no escaping needed. */
export function historyEntry(state: string, at: number, reason: string | null): string {
  return reason === null ? `,["${state}",${at}]` : `,["${state}",${at},${reason}]`;
}

/**
 * Whether `next` holds `prev`'s entries at the same places and more after them (the row holding `prev`
 * gets `next` by an append), rather than fewer of the oldest ones (the engine dropped them: see
 * HISTORY_MAX).
 */
export function extendsHistory(prev: readonly StateChange[], next: readonly StateChange[]): boolean {
  const n = prev.length;
  return n <= next.length && (n === 0 || next[n - 1] === prev[n - 1]);
}

/** The record a row holds, on `paths` (the object of its paths row, shared by the intents on it). */
export function recordOf(r: IntentRow, paths: IntentPaths | undefined): IntentRecord {
  // The members in the order the intent engine makes them (one object shape), absent ones undefined.
  return {
    id: r.id,
    key: r.key,
    spec: JSON.parse(r.spec),
    state: r.state as IntentRecord['state'],
    reason: r.reason ? JSON.parse(r.reason) : undefined,
    paths,
    labels: r.forward_label !== null ? labelsOf(r, r.forward_label) : undefined,
    reservedLinks:
      r.reserved_links === LINKS_OF_PATHS && paths !== undefined ? linksOfPaths(paths) : JSON.parse(r.reserved_links),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    history: parseHistory(r.history),
  };
}

/** The transitions of a history column. */
export function parseHistory(text: string): StateChange[] {
  if (text === '') return [];
  const entries = JSON.parse(`[${text.slice(1)}]`) as [StateChange['state'], number, IntentFailure?][];
  return entries.map(([state, at, reason]) => (reason === undefined ? { state, at } : { state, at, reason }));
}

/** Values per row of a multi-row label update: key, then LABEL_COLUMNS. */
export const LABELS_WIDTH = 7;

/** Appends the label columns of `l` (LABEL_COLUMNS order, null for a role it lacks or for no labels). */
export function pushLabels(out: (string | number | null)[], l: IntentLabels | undefined): void {
  if (l === undefined) {
    out.push(null, null, null, null, null, null);
    return;
  }
  out.push(
    l.forward ?? null,
    l.reverse ?? null,
    l.forwardCrankback ?? null,
    l.reverseCrankback ?? null,
    l.forwardMeter ?? null,
    l.reverseMeter ?? null,
  );
}

/** Appends a row of a label update: `key`, then the label columns of `l`. */
export function pushKeyLabels(out: (number | null)[], key: number, l: IntentLabels | undefined): void {
  out.push(key);
  pushLabels(out, l);
}

/** The labels of a row with a forward label: its roles with a value, only those. */
export function labelsOf(r: IntentRow, forward: number): IntentLabels {
  const l: { -readonly [K in keyof IntentLabels]: IntentLabels[K] } = { forward };
  if (r.reverse_label !== null) l.reverse = r.reverse_label;
  if (r.forward_crankback_label !== null) l.forwardCrankback = r.forward_crankback_label;
  if (r.reverse_crankback_label !== null) l.reverseCrankback = r.reverse_crankback_label;
  if (r.forward_meter !== null) l.forwardMeter = r.forward_meter;
  if (r.reverse_meter !== null) l.reverseMeter = r.reverse_meter;
  return l;
}
