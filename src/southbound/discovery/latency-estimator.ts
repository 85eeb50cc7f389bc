/**
 * Turns raw LLDP probe delays into a one-way link latency and its jitter.
 *
 * A probe travels controller -> switch A (packet-out), across the link, switch B -> controller
 * (packet-in). Its measured delay therefore includes both control-channel legs; each is estimated as
 * half of that switch's echo round trip time and subtracted.
 *
 * Every error such a sample can carry is positive: a probe waits behind other packet-outs and upcalls
 * in a busy switch, behind other messages in the controller's event loop, or in the socket's send
 * queue after it was stamped; the echo RTT it is corrected with is itself a minimum (see
 * echo-rtt-tracker.ts), so the correction is never too small. Nothing makes a probe arrive early. The
 * link's own delay is therefore the *smallest* recent sample, not a typical one: measured on Open
 * vSwitch, the median of probes on a 2 ms link was 4.5-5.5 ms while the smallest was 3 ms (before the
 * echo correction). So the estimator takes the minimum over a sliding window of samples (the base-delay
 * filter of RFC 6817 section 2.4.1; a longer link delay shows after `window` samples), and smooths
 * that minimum with an EWMA (gain 1/4) so one lucky sample does not make the estimate jump.
 *
 * The window holds raw probe delays, and the control-channel correction current at each sample is
 * applied to the window's minimum, not to each sample when it arrives: the RTT estimate improves as
 * echoes accumulate after a switch connects, and an early over-large correction must not stay in the
 * window (it drove the first estimates of 1-2 ms links to 0 ms). It reports
 * nothing until `warmup` samples exist. Jitter is the RFC 3550 section 6.4.1 estimator (gain 1/16
 * over the difference between consecutive raw samples): it describes the samples' spread, which the
 * minimum hides.
 */

export interface LatencyEstimate {
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly samples: number;
}

export interface LatencyEstimatorOptions {
  /** Samples the minimum is taken over (>= 1). */
  readonly window?: number;
  /** Samples needed before the first estimate (1..window). */
  readonly warmup?: number;
  /** EWMA gain applied to the window minimum (0 < gain <= 1). */
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
  private readonly window: number;
  private readonly warmup: number;
  private readonly gain: number;
  private readonly jitterGain: number;

  constructor(opts: LatencyEstimatorOptions = {}) {
    this.window = opts.window ?? 8;
    this.warmup = opts.warmup ?? 5;
    this.gain = opts.gain ?? 1 / 4;
    this.jitterGain = opts.jitterGain ?? 1 / 16;
    if (!(this.gain > 0 && this.gain <= 1) || !(this.jitterGain > 0 && this.jitterGain <= 1)) {
      throw new RangeError('estimator gains must be in (0, 1]');
    }
    if (!(Number.isInteger(this.window) && this.window >= 1 && Number.isInteger(this.warmup))) {
      throw new RangeError('estimator window must be a positive integer');
    }
    if (this.warmup < 1 || this.warmup > this.window) throw new RangeError('estimator warmup must be in 1..window');
  }

  /** Enough samples for an estimate. */
  get warm(): boolean {
    return this.count >= this.warmup;
  }

  /**
   * Add one probe: its raw delay (receive - send) and the current control-channel delay of its two
   * legs (`controlDelayMs`). Returns the estimate, or undefined while warming up.
   */
  addSample(rawDelayMs: number, controlMs = 0): LatencyEstimate | undefined {
    if (!Number.isFinite(rawDelayMs) || !Number.isFinite(controlMs)) {
      throw new RangeError(`latency sample ${rawDelayMs} - ${controlMs} is not finite`);
    }
    const s = Math.max(0, rawDelayMs);
    this.recent.push(s);
    if (this.recent.length > this.window) this.recent.shift();
    // Never negative: control-channel jitter can make the correction exceed a short link's delay.
    const base = Math.max(0, Math.min(...this.recent) - Math.max(0, controlMs));
    if (this.lastSampleMs !== undefined) this.jitter += this.jitterGain * (Math.abs(s - this.lastSampleMs) - this.jitter);
    this.lastSampleMs = s;
    this.count++;
    if (this.count === this.warmup) this.smoothedMs = base;
    else if (this.count > this.warmup) this.smoothedMs += this.gain * (base - this.smoothedMs);
    return this.estimate();
  }

  estimate(): LatencyEstimate | undefined {
    if (!this.warm) return undefined;
    return { latencyMs: round3(this.smoothedMs), jitterMs: round3(this.jitter), samples: this.count };
  }
}

/** A probe's raw delay in ms: receive - send on the same monotonic clock. */
export function probeDelayMs(sendTimeNs: bigint, receiveTimeNs: bigint): number {
  return Number(receiveTimeNs - sendTimeNs) / 1e6;
}

/**
 * The control-channel part of a probe's delay: controller -> source switch plus destination switch ->
 * controller, each estimated as half of that switch's echo RTT. Unknown RTTs count as zero (the
 * latency is then an upper bound).
 */
export function controlDelayMs(srcEchoRttMs: number | undefined, dstEchoRttMs: number | undefined): number {
  return (srcEchoRttMs ?? 0) / 2 + (dstEchoRttMs ?? 0) / 2;
}

/** Microsecond resolution is all a millisecond-scale measurement can honestly claim. */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
