/**
 * Release decisions per second on a realistic mix: real agreements, the example items at the dates that
 * matter, real-time track reports through the hub, relays, deferred intelligence, and denials.
 * Baseline in the same run: a naive decider that compiles the agreements for every decision.
 */
import { loadProject } from "../src/config/project.ts";
import { Item, type TrackReport } from "../src/model/item.ts";
import { type DecisionRequest, decide } from "../src/policy/decide.ts";
import { compilePolicy } from "../src/policy/policy.ts";
import { example, shiftDays, t, trackExample } from "../test/helpers/policy.ts";

/** Builds the request mix (deterministic). */
export function requestMix(): DecisionRequest[] {
  const rok = trackExample("rok-track-report");
  const rok1220 = shiftDays(rok, 2);
  const jpn = trackExample("jpn-track-report");
  const usa = trackExample("usa-track-report");
  const nuclear = example("intel-nuclear-test");
  const sanctions = example("intel-sanctions-evasion");
  const at = (i: Item) => t(i.kind === "track-report" ? (i as TrackReport).asOf : i.producedAt);
  const out: DecisionRequest[] = [];
  const add = (
    item: Item,
    sender: string,
    recipient: string,
    via: string[],
    channel: "real-time" | "deferred",
    when = at(item),
  ) => out.push({ item, sender, recipient, via, channel, at: when });
  for (const tr of [rok, rok1220]) {
    add(tr, "KOR", "USA", [], "real-time");
    add(tr, "KOR", "JPN", ["USA"], "real-time");
    add(tr, "USA", "JPN", [], "real-time");
    add(tr, "KOR", "JPN", [], "real-time");
    add(tr, "KOR", "JPN", [], "deferred");
  }
  add(jpn, "JPN", "USA", [], "real-time");
  add(jpn, "JPN", "KOR", ["USA"], "real-time");
  add(jpn, "USA", "KOR", [], "real-time");
  add(usa, "USA", "JPN", [], "real-time");
  add(usa, "USA", "KOR", [], "real-time");
  add(nuclear, "KOR", "JPN", [], "deferred");
  add(nuclear, "KOR", "JPN", ["USA"], "deferred", t("2016-01-10"));
  add(nuclear, "USA", "JPN", [], "deferred", t("2016-01-10"));
  add(sanctions, "JPN", "KOR", [], "deferred");
  add(sanctions, "JPN", "KOR", ["USA"], "deferred");
  return out;
}

/**
 * Runs `fn` over the mix for at least `ms` milliseconds; returns operations per second of this process's
 * CPU time (one core), which other processes on the machine disturb less than wall time.
 */
function rate(reqs: DecisionRequest[], ms: number, fn: (r: DecisionRequest) => unknown): number {
  let n = 0;
  let sink = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (const r of reqs) {
      if (fn(r)) sink++;
      n++;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  if (sink < 0) console.log(sink);
  return n / ((cpu.user + cpu.system) / 1e6);
}

/**
 * Decisions per CPU-second on items never decided before (memo tables cold): one pass over `n` requests
 * whose items are fresh copies, made before timing.
 */
function coldRate(reqs: DecisionRequest[], n: number, fn: (r: DecisionRequest) => unknown): number {
  const pool = Array.from({ length: n }, (_, i) => {
    const r = reqs[i % reqs.length] as DecisionRequest;
    // Parsed afresh through the schema, as items arrive in a node.
    return { ...r, item: Item.parse(JSON.parse(JSON.stringify(r.item))) };
  });
  const cpu0 = process.cpuUsage();
  for (const r of pool) fn(r);
  const cpu = process.cpuUsage(cpu0);
  return n / ((cpu.user + cpu.system) / 1e6);
}

/** Median and best of several rounds: the best shows the uncontended rate when other work shares the cores. */
function rounds(n: number, measure: () => number): { median: number; best: number } {
  const rates = Array.from({ length: n }, measure).sort((x, y) => x - y);
  return { median: rates[Math.floor(n / 2)] as number, best: rates[n - 1] as number };
}

/** Measures and returns the figures (decisions per CPU-second: median and best of 7 rounds). */
export function benchPolicy(roundMs = 700) {
  const { agreements, schemes, policy } = loadProject();
  const reqs = requestMix();
  const permitsOnly = reqs.filter((r) => decide(policy, r).outcome === "permit");
  const deniesOnly = reqs.filter((r) => decide(policy, r).outcome === "deny");
  const run = (rs: DecisionRequest[]) => () => rate(rs, roundMs, (r) => decide(policy, r));
  // Warm-up until the JIT has settled on every path (the first second or two is still tiering up).
  rate(reqs, 3000, (r) => decide(policy, r));
  const permits = rounds(5, run(permitsOnly));
  const denials = rounds(5, run(deniesOnly));
  return {
    mix: reqs.length,
    permitShare: permitsOnly.length / reqs.length,
    decisions: rounds(7, run(reqs)),
    permits,
    denials,
    cold: rounds(5, () => coldRate(reqs, 20_000, (r) => decide(policy, r))),
    naive: rounds(3, () => rate(reqs, 300, (r) => decide(compilePolicy(agreements, schemes), r))),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchPolicy();
  const f = (x: number) => Math.round(x).toLocaleString("en");
  const row = (name: string, x: { median: number; best: number }) =>
    console.log(
      `  ${name.padEnd(13)} median ${f(x.median).padStart(10)}/s   best ${f(x.best).padStart(10)}/s`,
    );
  console.log(
    `policy decisions per CPU-second, one core (mix of ${r.mix} requests, ${Math.round(r.permitShare * 100)} % permits):`,
  );
  row("mix", r.decisions);
  row("permits only", r.permits);
  row("denials only", r.denials);
  row("fresh items", r.cold);
  row("naive", r.naive);
  console.log(
    `  baseline: naive = agreements compiled for every decision; compiled is ×${(r.decisions.median / r.naive.median).toFixed(0)} (medians)`,
  );
}
