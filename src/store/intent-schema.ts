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
];

/** The members of IntentLabels, as stored in intent_labels.direction. */
export const LABEL_ROLES = [
  'forward',
  'reverse',
  'forwardCrankback',
  'reverseCrankback',
  'forwardMeter',
  'reverseMeter',
] as const;
export type LabelRole = (typeof LABEL_ROLES)[number];

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
  paths: string | null;
  reserved_links: string;
  created_at: number;
  updated_at: number;
}

export interface HistoryRow {
  intent_key: number;
  state: string;
  at: number;
  reason: string | null;
}

/** Values per history row of a multi-row insert: intent_key, seq, state, at, reason. */
export const HISTORY_WIDTH = 5;
