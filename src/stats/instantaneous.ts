/**
 * INFO stats' instantaneous_* figures, computed as Redis 7.0 computes them
 * (trackInstantaneousMetric): a counter is sampled every 100 ms (the server's expiry tick,
 * as Redis's serverCron), each sample turned into a per-second rate, and the figure is the
 * mean of the last 16 rates, so it follows traffic within about 1.6 seconds.
 */

const SAMPLES = 16;

/** One sampled counter: ops per second, or bytes per second. */
class Metric {
  readonly #rates = new Array<number>(SAMPLES).fill(0);
  #index = 0;
  #lastTime: number;
  #lastCount = 0;

  constructor(now: number) {
    this.#lastTime = now;
  }

  sample(count: number, now: number): void {
    const t = now - this.#lastTime;
    this.#rates[this.#index] = t > 0 ? Math.trunc(((count - this.#lastCount) * 1000) / t) : 0;
    this.#index = (this.#index + 1) % SAMPLES;
    this.#lastTime = now;
    this.#lastCount = count;
  }

  /** Redis's getInstantaneousMetric: the mean of the samples, as an integer. */
  get value(): number {
    let sum = 0;
    for (const r of this.#rates) sum += r;
    return Math.trunc(sum / SAMPLES);
  }
}

/** The counters INFO shows a rate of: commands, and bytes read and written. */
export interface InstantaneousReadings {
  commands: number;
  inputBytes: number;
  outputBytes: number;
}

export class InstantaneousMetrics {
  #ops: Metric;
  #input: Metric;
  #output: Metric;

  constructor(now = Date.now()) {
    this.#ops = new Metric(now);
    this.#input = new Metric(now);
    this.#output = new Metric(now);
  }

  /** Takes one sample of each counter (every 100 ms). */
  sample(r: InstantaneousReadings, now = Date.now()): void {
    this.#ops.sample(r.commands, now);
    this.#input.sample(r.inputBytes, now);
    this.#output.sample(r.outputBytes, now);
  }

  /** instantaneous_ops_per_sec */
  get opsPerSec(): number {
    return this.#ops.value;
  }

  /** instantaneous_input_kbps, as Redis prints it ("%.2f" of bytes/s ÷ 1024). */
  get inputKbps(): string {
    return (this.#input.value / 1024).toFixed(2);
  }

  /** instantaneous_output_kbps */
  get outputKbps(): string {
    return (this.#output.value / 1024).toFixed(2);
  }

  /** CONFIG RESETSTAT: forgets the samples (the counters restart from `r`). */
  reset(r: InstantaneousReadings, now = Date.now()): void {
    this.#ops = new Metric(now);
    this.#input = new Metric(now);
    this.#output = new Metric(now);
    this.sample(r, now);
  }
}
