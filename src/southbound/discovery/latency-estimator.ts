/**
 * Turns raw LLDP probe delays into a one-way link latency and its jitter.
 *
 * A probe travels controller -> switch A (packet-out), across the link, switch B -> controller
 * (packet-in). Its measured delay therefore includes both control-channel legs; each is estimated as
 * half of that switch's echo round trip time and subtracted. A median of the last three samples
 * removes single spikes (one packet-in delayed by a busy controller or switch is not the link), the
 * result is smoothed with an EWMA (gain 1/8, as TCP smooths RTT in RFC 6298 section 2), and jitter is
 * the RFC 3550 section 6.4.1 estimator (gain 1/16 over the difference between consecutive raw samples).
 */

export interface LatencyEstimate {
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly samples: number;
}

export interface LatencyEstimatorOptions {
  /** EWMA gain for the latency (0 < gain <= 1). */
  readonly gain?: number;
  /** Gain of the jitter estimator. */
  readonly jitterGain?: number;
}

export class LatencyEstimator {
  private smoothedMs = 0;
  private jitter = 0;
  private lastSampleMs: number | undefined;
  private readonly recent: number[] = [];
  private count = 0;
  private readonly gain: number;
  private readonly jitterGain: number;

  constructor(opts: LatencyEstimatorOptions = {}) {
    this.gain = opts.gain ?? 1 / 8;
    this.jitterGain = opts.jitterGain ?? 1 / 16;
    if (!(this.gain > 0 && this.gain <= 1) || !(this.jitterGain > 0 && this.jitterGain <= 1)) {
      throw new RangeError('estimator gains must be in (0, 1]');
    }
  }

  /** Add one sample (one-way latency already corrected for the control channel) and return the estimate. */
  addSample(sampleMs: number): LatencyEstimate {
    if (!Number.isFinite(sampleMs)) throw new RangeError(`latency sample ${sampleMs} is not finite`);
    const s = Math.max(0, sampleMs);
    this.recent.push(s);
    if (this.recent.length > 3) this.recent.shift();
    const filtered = this.recent.length === 3 ? [...this.recent].sort((a, b) => a - b)[1] : s;
    if (this.count === 0) {
      this.smoothedMs = filtered;
    } else {
      this.smoothedMs += this.gain * (filtered - this.smoothedMs);
      this.jitter += this.jitterGain * (Math.abs(s - (this.lastSampleMs ?? s)) - this.jitter);
    }
    this.lastSampleMs = s;
    this.count++;
    return this.estimate()!;
  }

  estimate(): LatencyEstimate | undefined {
    if (this.count === 0) return undefined;
    return { latencyMs: round3(this.smoothedMs), jitterMs: round3(this.jitter), samples: this.count };
  }
}

/**
 * One probe's one-way link latency: receive - send minus half of each switch's control-channel echo
 * RTT. Unknown RTTs count as zero (the estimate is then an upper bound). Never negative: control
 * channel jitter can make the correction exceed the raw delay on a short link.
 */
export function probeLatencyMs(
  sendTimeNs: bigint,
  receiveTimeNs: bigint,
  srcEchoRttMs: number | undefined,
  dstEchoRttMs: number | undefined,
): number {
  const rawMs = Number(receiveTimeNs - sendTimeNs) / 1e6;
  return Math.max(0, rawMs - (srcEchoRttMs ?? 0) / 2 - (dstEchoRttMs ?? 0) / 2);
}

/** Microsecond resolution is all a millisecond-scale measurement can honestly claim. */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
