import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type Server as TlsServer } from 'node:tls';
import type { OfpMessage } from './codec/index.js';
import { OpenflowSession, type OpenflowSessionOptions, type SessionLog } from './openflow-session.js';

export interface OpenflowTlsOptions {
  readonly port?: number;
  /** PEM private key and certificate of the controller. */
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** PEM CA certificates that switch certificates must chain to (mutual TLS). */
  readonly ca?: string | Buffer;
  /** Require and verify a switch certificate (mutual TLS). */
  readonly requireClientCert?: boolean;
}

export interface OpenflowServerOptions extends OpenflowSessionOptions {
  readonly host?: string;
  /** TCP listen port; 0 for an ephemeral port; `null` for no plain TCP listener. Default 6653 (IANA). */
  readonly port?: number | null;
  readonly tls?: OpenflowTlsOptions;
}

export interface ServerAddresses {
  readonly tcpPort?: number;
  readonly tlsPort?: number;
}

/**
 * Accepts switch connections over TCP and TLS and keeps one session per datapath id. A datapath that
 * reconnects (its old connection may not have noticed yet that it is dead) replaces its old session:
 * the old one is closed and its close does not report the device as gone.
 */
export class OpenflowServer {
  private readonly byDatapath = new Map<string, OpenflowSession>();
  private readonly all = new Set<OpenflowSession>();
  private readonly upListeners = new Set<(s: OpenflowSession) => void>();
  private readonly downListeners = new Set<(s: OpenflowSession, reason: string) => void>();
  private readonly messageListeners = new Set<(s: OpenflowSession, m: OfpMessage) => void>();
  private tcp: Server | undefined;
  private tlsServer: TlsServer | undefined;
  private readonly log: SessionLog;

  constructor(private readonly opts: OpenflowServerOptions = {}) {
    this.log = opts.log ?? (() => {});
  }

  async start(): Promise<ServerAddresses> {
    const host = this.opts.host ?? '0.0.0.0';
    let tcpPort: number | undefined;
    let tlsPort: number | undefined;
    if (this.opts.port !== null) {
      this.tcp = createServer((socket) => this.accept(socket));
      tcpPort = await listen(this.tcp, this.opts.port ?? 6653, host);
    }
    const tls = this.opts.tls;
    if (tls) {
      const mutual = tls.requireClientCert ?? tls.ca !== undefined;
      this.tlsServer = createTlsServer(
        { key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: mutual, rejectUnauthorized: mutual, minVersion: 'TLSv1.2' },
        (socket: TLSSocket) => this.accept(socket),
      );
      this.tlsServer.on('tlsClientError', (err, socket) => {
        this.log('warn', 'TLS handshake with a switch failed', {
          remote: `${socket.remoteAddress}:${socket.remotePort}`,
          reason: err.message,
        });
      });
      tlsPort = await listen(this.tlsServer, tls.port ?? 6654, host);
    }
    return { tcpPort, tlsPort };
  }

  /** Stop listening and close every switch connection. */
  async stop(): Promise<void> {
    const closing = [this.tcp, this.tlsServer]
      .filter((s): s is Server => s !== undefined)
      .map((s) => new Promise<void>((r) => s.close(() => r())));
    for (const s of [...this.all]) s.close('controller shutting down');
    await Promise.all(closing);
    this.tcp = undefined;
    this.tlsServer = undefined;
  }

  session(datapathId: string): OpenflowSession | undefined {
    return this.byDatapath.get(datapathId);
  }

  sessions(): OpenflowSession[] {
    return [...this.byDatapath.values()];
  }

  /** A switch completed its handshake (datapath id and ports known). */
  onSessionUp(cb: (s: OpenflowSession) => void): void {
    this.upListeners.add(cb);
  }

  /** The current session of a datapath ended (not reported for a session replaced by a reconnect). */
  onSessionDown(cb: (s: OpenflowSession, reason: string) => void): void {
    this.downListeners.add(cb);
  }

  /** Asynchronous messages of current sessions. */
  onMessage(cb: (s: OpenflowSession, m: OfpMessage) => void): void {
    this.messageListeners.add(cb);
  }

  private accept(socket: Socket): void {
    const session = new OpenflowSession(socket, this.opts);
    this.all.add(session);
    session.onReady((s) => {
      const dpid = s.features!.datapathId;
      const old = this.byDatapath.get(dpid);
      this.byDatapath.set(dpid, s);
      if (old && old !== s) {
        this.log('info', 'switch reconnected; replacing its old connection', { device: dpid, old: old.remote, new: s.remote });
        old.close('replaced by a new connection from the same datapath');
      }
      for (const l of this.upListeners) l(s);
    });
    session.onMessage((s, m) => {
      if (this.byDatapath.get(s.device) !== s) return;
      for (const l of this.messageListeners) l(s, m);
    });
    session.onClose((s, reason) => {
      this.all.delete(s);
      if (s.features && this.byDatapath.get(s.features.datapathId) === s) {
        this.byDatapath.delete(s.features.datapathId);
        this.log('info', 'switch disconnected', { device: s.device, reason });
        for (const l of this.downListeners) l(s, reason);
      } else if (!s.features) {
        this.log('info', 'connection closed before the handshake completed', { remote: s.remote, reason });
      }
    });
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
