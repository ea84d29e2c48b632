/**
 * Prometheus metrics in the text exposition format (version 0.0.4): counters and gauges with labels,
 * and one request-duration histogram. Small on purpose; the names follow Prometheus conventions.
 */

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  render(): string[];
}

/** A counter with labels. */
export class Counter implements Family {
  readonly type = "counter";
  readonly #values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }
  render(): string[] {
    return [...this.#values].map(([l, v]) => `${this.name}${l} ${v}`);
  }
}

/** A value read when scraped: a gauge, or a counter kept elsewhere (`type: "counter"`). */
export class Gauge implements Family {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly read: () => { labels?: Labels; value: number }[],
    readonly type: "gauge" | "counter" = "gauge",
  ) {}
  render(): string[] {
    return this.read().map((s) => `${this.name}${labelText(s.labels ?? {})} ${s.value}`);
  }
}

/** A histogram with fixed buckets (seconds). */
export class Histogram implements Family {
  readonly type = "histogram";
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  ) {}
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.#series.get(key);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] as number)) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }
  render(): string[] {
    const lines: string[] = [];
    for (const s of this.#series.values()) {
      for (const [i, b] of this.buckets.entries())
        lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i] ?? 0}`);
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

/** A set of metric families rendered together. */
export class MetricsRegistry {
  readonly #families: Family[] = [];
  add<F extends Family>(family: F): F {
    this.#families.push(family);
    return family;
  }
  /** The exposition text. */
  render(): string {
    const out: string[] = [];
    for (const f of this.#families) {
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.render());
    }
    return `${out.join("\n")}\n`;
  }
}
