/**
 * The what-if comparison as a background job of the COP server: one at a time, over the scenario the
 * session shows, running the exercise once per variant (`actual` first, the baseline) with progress,
 * then kept in memory until the next one starts.
 *
 * Authorisation is view.ts's rule and nothing else: each operator's answer is `compareVariants` over the
 * events of each run that operator may see (`maySee`: held by the operator's nation or public, marked at
 * or below the clearance), so a nation's row is built only from what that nation's nodes held. The replay
 * clock does not bound it: the comparison is an after-action analysis of separate, finished runs. The
 * true impact points it scores against are the scenario's (the launches every operator's setup shows),
 * not any nation's picture. Only the operator's own nation's rows and the other nations' public warnings
 * are returned: a row computed from events the operator may not see would read as "nothing happened".
 */
import { z } from "zod";
import { VARIANTS } from "../exercise/variants.ts";
import { compareVariants, type WhatIfRun } from "../exercise/whatif.ts";
import type { CopTimeline } from "../model/cop.ts";
import type { Operator } from "./auth.ts";
import { maySee } from "./view.ts";
import {
  WHATIF_DEFAULT_VARIANTS,
  type WhatIfJobBody,
  type WhatIfJobRequest,
  type WhatIfOperatorResult,
  type WhatIfProgress,
  type WhatIfRequest,
  type WhatIfStateBody,
} from "./whatif-schemas.ts";

/** One run of the exercise as the what-if job asks for it (`runExercise` in the product). */
export interface WhatIfRunOptions {
  scenarioId: string;
  seed: number;
  variant: string;
  shareIntervalS: number;
  untilS?: number;
  onProgress?: (p: { phase: string; done: number; total: number }) => void;
  /** Aborted when the server stops (runExercise then stops between steps and rejects). */
  signal?: AbortSignal;
}

/** Runs one exercise and returns its timeline and truth (`runExercise` of src/exercise/). */
export type WhatIfRunner = (
  options: WhatIfRunOptions,
) => Promise<{ timeline: CopTimeline; truth: unknown; close(): Promise<void> }>;

/** The truth the comparison scores against, parsed at this edge (the runner is passed in). */
const Truth = z.object({
  objects: z.array(
    z.object({
      objectId: z.string(),
      launchId: z.string(),
      role: z.enum(["missile", "payload", "stage"]),
      launchT: z.number(),
      impact: z.object({ t: z.number(), lat: z.number(), lon: z.number() }).nullable(),
    }),
  ),
});

/** Why a comparison cannot start (mapped to HTTP by the route). */
export class WhatIfRefusal extends Error {
  constructor(
    readonly status: 409 | 501,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Job =
  | { status: "idle" }
  | { status: "running"; request: WhatIfJobRequest; startedAt: string; progress: WhatIfProgress }
  | {
      status: "done";
      request: WhatIfJobRequest;
      startedAt: string;
      finishedAt: string;
      runs: WhatIfRun[];
    }
  | { status: "failed"; request: WhatIfJobRequest; startedAt: string; finishedAt: string; error: string };

const iso = (ms: number) => new Date(ms).toISOString();

/** The server's one what-if job. */
export class WhatIfJobs {
  #job: Job = { status: "idle" };
  /** Per-operator answers of the finished job (by party and clearance rank). */
  #views = new Map<string, WhatIfOperatorResult>();
  #closed = false;
  #abort = new AbortController();
  /** Resolves when the running job ends (tests and shutdown wait on it). */
  #finished: Promise<void> = Promise.resolve();

  constructor(
    readonly runner: WhatIfRunner | undefined,
    readonly wall: () => number = Date.now,
  ) {}

  /** Whether a comparison is running. */
  get running(): boolean {
    return this.#job.status === "running";
  }

  /** Resolves when the current job (if any) has ended. */
  get finished(): Promise<void> {
    return this.#finished;
  }

  /** Starts a comparison of `scenarioId` (the scenario shown); refuses while one runs. */
  start(scenario: { scenarioId: string; seed: number }, body: WhatIfRequest): WhatIfJobRequest {
    const runner = this.runner;
    if (!runner)
      throw new WhatIfRefusal(
        501,
        "WHATIF_UNAVAILABLE",
        "this server has no exercise runner for what-if analysis",
      );
    const job = this.#job;
    if (job.status === "running")
      throw new WhatIfRefusal(
        409,
        "WHATIF_RUNNING",
        `a what-if comparison of ${job.request.scenarioId} is already running (variant ${job.progress.index} of ${job.progress.of}, ${job.progress.variant}, ${Math.round(job.progress.fraction * 100)} %); only one runs at a time: wait for it (GET /api/whatif) and start again`,
      );
    const asked = body.variants ?? [...WHATIF_DEFAULT_VARIANTS];
    const request: WhatIfJobRequest = {
      scenarioId: scenario.scenarioId,
      seed: body.seed ?? scenario.seed,
      variants: ["actual", ...new Set(asked.filter((v) => v !== "actual"))],
      shareIntervalS: body.shareIntervalS ?? 1,
      untilS: body.untilS ?? null,
    };
    const startedAt = iso(this.wall());
    const first = request.variants[0] as string;
    this.#job = {
      status: "running",
      request,
      startedAt,
      progress: {
        variant: first,
        index: 1,
        of: request.variants.length,
        phase: "starting",
        done: 0,
        total: 1,
        fraction: 0,
      },
    };
    this.#views.clear();
    this.#finished = this.#run(runner, request, startedAt);
    return request;
  }

  async #run(runner: WhatIfRunner, request: WhatIfJobRequest, startedAt: string): Promise<void> {
    const runs: WhatIfRun[] = [];
    const n = request.variants.length;
    try {
      for (const [i, variant] of request.variants.entries()) {
        if (this.#closed) throw new Error("the server is stopping");
        const onProgress = (p: { phase: string; done: number; total: number }) => {
          const within = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
          if (this.#job.status !== "running") return;
          this.#job = {
            ...this.#job,
            progress: {
              variant,
              index: i + 1,
              of: n,
              phase: p.phase,
              done: p.done,
              total: p.total,
              fraction: Math.min(1, (i + within) / n),
            },
          };
        };
        onProgress({ phase: "starting", done: 0, total: 1 });
        const ex = await runner({
          scenarioId: request.scenarioId,
          seed: request.seed,
          variant,
          shareIntervalS: request.shareIntervalS,
          ...(request.untilS === null ? {} : { untilS: request.untilS }),
          onProgress,
          signal: this.#abort.signal,
        });
        try {
          runs.push({ timeline: ex.timeline, truth: Truth.parse(ex.truth) });
        } finally {
          await ex.close();
        }
      }
      // The whole comparison once, so a failure (different seeds, a repeated variant) shows here.
      compareVariants(runs, {});
      this.#job = { status: "done", request, startedAt, finishedAt: iso(this.wall()), runs };
    } catch (e) {
      this.#job = {
        status: "failed",
        request,
        startedAt,
        finishedAt: iso(this.wall()),
        error: e instanceof Error ? e.message : String(e),
      };
    }
  }

  /** The job as `op` may see it. */
  jobFor(op: Operator): WhatIfJobBody {
    const job = this.#job;
    if (job.status !== "done") return job;
    const key = `${op.party}|${op.clearanceRank}|${op.clearance ?? ""}`;
    let result = this.#views.get(key);
    if (!result) {
      result = operatorResult(job.runs, op);
      this.#views.set(key, result);
    }
    const { runs: _runs, ...rest } = job;
    return { ...rest, result };
  }

  /** The state answered by `GET /api/whatif`. */
  stateFor(op: Operator): WhatIfStateBody {
    return {
      available: this.runner !== undefined,
      variants: VARIANTS.map((v) => ({ id: v.id, description: v.description })),
      defaults: { variants: [...WHATIF_DEFAULT_VARIANTS] },
      job: this.jobFor(op),
    };
  }

  /** Stops: the run in progress is aborted (between its steps) and no further variant starts. */
  close(): void {
    this.#closed = true;
    this.#abort.abort(new Error("the server is stopping"));
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The comparison over only what `op` may see, reduced to `op`'s nation and the public warnings. */
export function operatorResult(runs: readonly WhatIfRun[], op: Operator): WhatIfOperatorResult {
  const visible = runs.map((r) => ({
    truth: r.truth,
    timeline: { setup: r.timeline.setup, events: r.timeline.events.filter((e) => maySee(op, e)) },
  }));
  const c = compareVariants(visible, {});
  const base = c.baseline;
  const publicWarnings: WhatIfOperatorResult["publicWarnings"] = [];
  const variants = c.variants.map((v) => {
    const own = v.nations.filter((n) => n.nation === op.party);
    for (const n of v.nations)
      if (n.nation !== op.party && n.issuesWarnings)
        publicWarnings.push({
          variant: v.id,
          nation: n.nation,
          name: n.name,
          firstWarning: n.firstWarning,
          warnings: n.warnings,
        });
    // compareVariants's sentences each begin "Under <variant>, <nation name>"; keep the operator's own.
    const names = own.map((n) => escapeRegExp(n.name));
    const mine =
      names.length === 0
        ? []
        : v.summary.filter((s) =>
            new RegExp(`^Under ${escapeRegExp(v.id)}, (${names.join("|")})(:|'s| )`).test(s),
          );
    const summary =
      mine.length > 0 || v.id === base
        ? mine
        : [`Under ${v.id}, nothing you may see differs for ${own[0]?.name ?? op.party} from ${base}.`];
    return { ...v, nations: own, summary };
  });
  const name = c.parties.find((p) => p.code === op.party)?.name ?? op.party;
  return {
    nation: op.party,
    clearance: op.clearance,
    scope: `Computed only from what ${name}'s nodes held at or below your clearance (${op.clearanceNative}) in each run, over the whole run; other nations' rows are not shown, their public warnings are.`,
    comparison: { ...c, variants },
    publicWarnings,
  };
}
