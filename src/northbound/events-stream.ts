import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { EventBus } from '../events/event-bus.js';
import { IntentUpdatedEvent } from '../intent/intent-types.js';
import type { SequencedEvent } from '../model/events.js';
import type { TopologySnapshot } from '../model/topology.js';

/** What a new (or resynchronising) client receives first; `seq` is the last event the state includes. */
export interface StreamSnapshot {
  readonly seq: number;
  readonly topology: TopologySnapshot;
  readonly intents: readonly unknown[];
}

export interface EventsStreamOptions {
  /** URL path the stream answers on, e.g. `/api/v1/events`. */
  readonly path: string;
  readonly bus: EventBus;
  /** Must be synchronous, so that the snapshot and its seq describe the same instant. */
  readonly snapshot: () => StreamSnapshot;
  /** A client whose unsent data exceeds this stops receiving deltas until it has caught up. */
  readonly maxBufferedBytes?: number;
  /** A client that has not caught up after this long is disconnected (close code 4008). */
  readonly maxLagMs?: number;
  /** Ping interval; a client that did not answer the previous ping is disconnected. */
  readonly heartbeatMs?: number;
  readonly log?: { warn(obj: object, msg: string): void };
}

/**
 * The delta frame of an event: `{"type":"event","seq":...,"time":...,"event":...}`. The events of the
 * intents of one batch share specs, paths and reserved links (across the transitions of an intent and
 * between intents): `fragments` keeps their JSON (see viewJson), so that a run of events serialises
 * each once. It holds immutable objects only; its owner empties it when it wants the memory back.
 */
export function eventFrame(e: SequencedEvent, fragments: Map<object, string>): string {
  const event = e.event instanceof IntentUpdatedEvent ? e.event.json(fragments) : JSON.stringify(e.event);
  return `{"type":"event","seq":${JSON.stringify(e.seq)},"time":${JSON.stringify(e.time)},"event":${event}}`;
}

/** Close code (private range, RFC 6455 section 7.4.2) for a client too slow to keep up. */
export const CLOSE_TOO_SLOW = 4008;

interface Client {
  readonly ws: WebSocket;
  /** Sends whose write callback has not fired: data still in user space. */
  inFlight: number;
  /** Set while deltas are being dropped; the client gets a fresh snapshot once its buffer drained. */
  laggingSince: number | undefined;
  alive: boolean;
}

/**
 * The live event stream on the HTTP server's upgrade path. A client gets a snapshot, then every bus
 * event as a delta with its seq (one increment per event, so a gap is visible); `{"type":"resync"}`
 * asks for a new snapshot.
 *
 * Slow consumers cannot make the controller buffer without bound: when a client's buffered data passes
 * `maxBufferedBytes`, its deltas are dropped rather than queued, and when everything already queued has
 * been written out the client receives a fresh snapshot and deltas resume from there. A client that does
 * not catch up within `maxLagMs` is closed with code 4008.
 */
export class EventsStream {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxBufferedBytes: number;
  private readonly maxLagMs: number;
  /** JSON of the immutable parts of intent views serialised this turn (see viewJson); cleared after it. */
  private readonly fragments = new Map<object, string>();
  private fragmentsInUse = false;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => this.upgrade(req, socket, head);

  constructor(
    private readonly server: Server,
    private readonly opts: EventsStreamOptions,
  ) {
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 1024 * 1024;
    this.maxLagMs = opts.maxLagMs ?? 30_000;
    server.on('upgrade', this.onUpgrade);
    this.unsubscribe = opts.bus.subscribe((e) => this.broadcast(e));
    this.heartbeat = setInterval(() => this.sweep(), opts.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  get subscribers(): number {
    return this.clients.size;
  }

  /** Closes every client (1001 going away) and stops listening; waits briefly for close handshakes. */
  async close(): Promise<void> {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    this.server.off('upgrade', this.onUpgrade);
    const closing = [...this.clients].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === c.ws.CLOSED) return resolve();
          const timer = setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 500);
          c.ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          c.ws.close(1001, 'server shutting down');
        }),
    );
    await Promise.all(closing);
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== this.opts.path) {
      // Leave other paths to other upgrade handlers; if there are none, refuse instead of hanging.
      if (this.server.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  private attach(ws: WebSocket): void {
    const client: Client = { ws, inFlight: 0, laggingSince: undefined, alive: true };
    this.clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => this.onMessage(client, data, isBinary));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    this.sendSnapshot(client);
  }

  private onMessage(client: Client, data: RawData, isBinary: boolean): void {
    let msg: unknown;
    try {
      msg = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      msg = undefined;
    }
    if (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'resync') {
      this.sendSnapshot(client);
      return;
    }
    this.send(
      client,
      JSON.stringify({
        type: 'error',
        code: 'SDNC_ERR_VALIDATION',
        message: 'Unknown message; the only client message is {"type":"resync"}',
      }),
    );
  }

  private sendSnapshot(client: Client): void {
    const s = this.opts.snapshot();
    this.send(client, JSON.stringify({ type: 'snapshot', seq: s.seq, topology: s.topology, intents: s.intents }));
  }

  private broadcast(e: SequencedEvent): void {
    if (this.clients.size === 0) return;
    const frame = eventFrame(e, this.turnFragments());
    for (const c of this.clients) {
      if (c.laggingSince !== undefined) continue;
      if (c.ws.bufferedAmount > this.maxBufferedBytes) {
        c.laggingSince = Date.now();
        this.opts.log?.warn({ bufferedBytes: c.ws.bufferedAmount }, 'event stream client is lagging; dropping its deltas');
        continue;
      }
      this.send(c, frame);
    }
  }

  /** The fragments memo of eventFrame for this turn: emptied once the turn is over. */
  private turnFragments(): Map<object, string> {
    if (!this.fragmentsInUse) {
      this.fragmentsInUse = true;
      queueMicrotask(() => {
        this.fragments.clear();
        this.fragmentsInUse = false;
      });
    }
    return this.fragments;
  }

  private send(client: Client, data: string): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    client.inFlight++;
    client.ws.send(data, (err) => {
      client.inFlight--;
      // Everything queued before has been handed to the kernel: replace the dropped deltas by a snapshot.
      if (!err && client.inFlight === 0 && client.laggingSince !== undefined) {
        client.laggingSince = undefined;
        this.sendSnapshot(client);
      }
    });
  }

  private sweep(): void {
    const now = Date.now();
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        this.clients.delete(c);
        continue;
      }
      if (c.laggingSince !== undefined && now - c.laggingSince > this.maxLagMs) {
        this.clients.delete(c);
        this.opts.log?.warn({ lagMs: now - c.laggingSince }, 'event stream client did not catch up; closing it');
        c.ws.close(CLOSE_TOO_SLOW, 'client too slow to follow the event stream');
        // The close frame waits behind the unread data; do not wait for it forever.
        setTimeout(() => c.ws.terminate(), 1000).unref();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }
}
