import { frameSender } from './host-frame.js';

export interface HostSighting {
  readonly device: string;
  readonly port: number;
  readonly mac: string;
  readonly ip?: string;
}

/**
 * Remembers where each host MAC was last seen and reports only changes (a new host, a move to another
 * port, a new address), so a chatty host does not flood the event stream. Frames from ports that carry
 * a switch-to-switch link are ignored by the caller: there every MAC of the far side appears.
 */
export class HostTracker {
  private readonly byMac = new Map<string, HostSighting>();

  /** Returns the sighting when it is news, undefined otherwise. */
  observe(device: string, port: number, frame: Buffer): HostSighting | undefined {
    const sender = frameSender(frame);
    if (!sender) return undefined;
    const known = this.byMac.get(sender.mac);
    const ip = sender.ip ?? (known && known.device === device && known.port === port ? known.ip : undefined);
    if (known && known.device === device && known.port === port && known.ip === ip) return undefined;
    const sighting: HostSighting = ip === undefined ? { device, port, mac: sender.mac } : { device, port, mac: sender.mac, ip };
    this.byMac.set(sender.mac, sighting);
    return sighting;
  }

  /** Forget hosts behind a device that went away (they will be re-learned on reconnect). */
  forgetDevice(device: string): void {
    for (const [mac, s] of this.byMac) if (s.device === device) this.byMac.delete(mac);
  }
}
