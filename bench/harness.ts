// Measurement helpers shared by every benchmark: timed samples with warmup, median/p95,
// heap deltas (with --expose-gc, which bench/run.ts arranges), and the result row shape the
// runner turns into the markdown table pasted into BENCHMARKS.md.

/** One line of the results table. */
export interface Row {
  readonly bench: string
  readonly case: string
  /** Median, already formatted with its unit. */
  readonly median: string
  /** 95th percentile, already formatted with its unit ('' when not meaningful). */
  readonly p95: string
  readonly note: string
}

/** A benchmark module: a name (used on the command line) and a function producing rows. */
export interface Benchmark {
  readonly name: string
  readonly title: string
  run(): Promise<Row[]>
}

/** Options of {@link sample}. */
export interface SampleOptions {
  /** Untimed calls before measuring (JIT warmup). */
  readonly warmup: number
  /** Timed samples. */
  readonly iterations: number
  /** Calls per sample; a sample's value is its time divided by this. @default 1 */
  readonly batch?: number
  /** Untimed work before each sample (e.g. preparing the next input). */
  readonly before?: (i: number) => void
}

/** Summary of a list of samples, in microseconds. */
export interface Stats {
  readonly median: number
  readonly p95: number
  readonly min: number
  readonly n: number
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}

/** Median, p95 and min of samples (µs). */
export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    min: sorted[0] ?? Number.NaN,
    n: sorted.length,
  }
}

const nowUs = (): number => Number(process.hrtime.bigint()) / 1000

/** Times `fn` (synchronous) and returns µs per call for each sample. */
export function sample(fn: (i: number) => void, o: SampleOptions): Stats {
  const batch = o.batch ?? 1
  let call = 0
  for (let w = 0; w < o.warmup; w++) {
    o.before?.(call)
    fn(call++)
  }
  const out: number[] = []
  for (let s = 0; s < o.iterations; s++) {
    o.before?.(call)
    const t0 = nowUs()
    for (let b = 0; b < batch; b++) fn(call++)
    out.push((nowUs() - t0) / batch)
  }
  return stats(out)
}

/** Like {@link sample} for an async operation (one call per sample). */
export async function sampleAsync(
  fn: (i: number) => Promise<void>,
  o: Omit<SampleOptions, 'batch' | 'before'>,
): Promise<Stats> {
  let call = 0
  for (let w = 0; w < o.warmup; w++) await fn(call++)
  const out: number[] = []
  for (let s = 0; s < o.iterations; s++) {
    const t0 = nowUs()
    await fn(call++)
    out.push(nowUs() - t0)
  }
  return stats(out)
}

/** Times one call of `fn` in ms. */
export async function timeMs<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now()
  const value = await fn()
  return { ms: performance.now() - t0, value }
}

/** Runs a full gc when the process was started with --expose-gc. */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc
  if (g) {
    g()
    g()
  }
}

/** True when {@link gc} really collects. */
export const gcAvailable = (): boolean => typeof (globalThis as { gc?: unknown }).gc === 'function'

/** heapUsed growth (bytes) while `build` runs and its result stays alive. */
export async function heapDelta<T>(
  build: () => Promise<T> | T,
): Promise<{ bytes: number; value: T }> {
  gc()
  const before = process.memoryUsage().heapUsed
  const value = await build()
  gc()
  return { bytes: process.memoryUsage().heapUsed - before, value }
}

/** Formats µs with a sensible unit. */
export function fmtUs(us: number): string {
  if (!Number.isFinite(us)) return 'n/a'
  if (us < 1) return `${(us * 1000).toFixed(0)} ns`
  if (us < 1000) return `${us.toFixed(us < 10 ? 2 : 1)} µs`
  if (us < 1_000_000) return `${(us / 1000).toFixed(2)} ms`
  return `${(us / 1_000_000).toFixed(2)} s`
}

/** Formats an operation rate. */
export function fmtRate(perSecond: number): string {
  if (perSecond >= 1_000_000) return `${(perSecond / 1_000_000).toFixed(2)} M ops/s`
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)} k ops/s`
  return `${perSecond.toFixed(0)} ops/s`
}

/** Formats a byte count. */
export function fmtBytes(n: number): string {
  if (Math.abs(n) < 1024) return `${n} B`
  if (Math.abs(n) < 1024 * 1024) return `${(n / 1024).toFixed(2)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

/** A row from µs stats. */
export function usRow(bench: string, name: string, s: Stats, note = ''): Row {
  return { bench, case: name, median: fmtUs(s.median), p95: fmtUs(s.p95), note }
}

/** Renders rows as a markdown table. */
export function markdownTable(rows: readonly Row[]): string {
  const esc = (s: string): string => s.replaceAll('|', '\\|')
  const lines = ['| Benchmark | Case | Median | p95 | Notes |', '|---|---|---:|---:|---|']
  for (const r of rows) {
    lines.push(`| ${[r.bench, r.case, r.median, r.p95, r.note].map(esc).join(' | ')} |`)
  }
  return lines.join('\n')
}
