/**
 * Control-channel round trip of one switch connection, from OFPT_ECHO samples (OpenFlow 1.3 section
 * 6.3.2 lets either side send ECHO_REQUEST at any time; the reply carries no timing of its own).
 *
 * The estimate is the minimum of the last `window` samples, and there is none until `minSamples`
 * samples exist. Why the minimum and not a mean or median: every error an echo sample can carry is
 * positive - the request or reply waiting in a busy switch's main loop, in the kernel, or in the
 * controller's event loop behind other work - so the smallest recent sample is the closest to the
 * channel's own delay (the base-delay idea of RFC 6817 section 2.4.1). LLDP latency subtracts half of
 * this from each probe, so an inflated RTT makes a link look shorter than it is: the first echo, taken
 * while a switch is busy with its handshake and initial rules, measured 4-11 ms on a channel whose
 * base RTT is 0.3-0.7 ms, and used alone it drove 1-2 ms links to 0 ms.
 */
export class EchoRttTracker {
  private readonly samples: number[] = [];

  constructor(
    private readonly window = 9,
    private readonly minSamples = 3,
  ) {
    if (!(Number.isInteger(window) && window >= 1 && Number.isInteger(minSamples) && minSamples >= 1)) {
      throw new RangeError('window and minSamples must be positive integers');
    }
    if (minSamples > window) throw new RangeError('minSamples cannot exceed the window');
  }

  /** Record one round trip in ms (non-finite or negative samples are refused). */
  add(sampleMs: number): void {
    if (!(Number.isFinite(sampleMs) && sampleMs >= 0)) throw new RangeError(`echo RTT sample ${sampleMs} is not a duration`);
    this.samples.push(sampleMs);
    if (this.samples.length > this.window) this.samples.shift();
  }

  get count(): number {
    return this.samples.length;
  }

  /** Base round trip in ms, or undefined while there are fewer than `minSamples` samples. */
  get estimateMs(): number | undefined {
    return this.samples.length < this.minSamples ? undefined : Math.min(...this.samples);
  }
}
