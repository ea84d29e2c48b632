/**
 * The API's routes as data: method, path, schemas, whether a token is needed, and a handler that sees
 * the request already parsed and the operator's view. `app.ts` registers them and `openapi.ts` documents
 * them, so a route cannot exist undocumented.
 */
import { z } from "zod";
import type { Operator } from "./auth.ts";
import type { ReplayClock } from "./replay.ts";
import {
  type AgreementStatusBody,
  HealthBody,
  LoginsBody,
  ReplayCommand,
  ReplayStateBody,
  Responses,
  ScenarioRequest,
  SessionBody,
} from "./schemas.ts";
import type { CopExercise, CopSession } from "./session.ts";
import { OperatorView } from "./view.ts";
import { type WhatIfJobs, WhatIfRefusal } from "./whatif.ts";
import { WhatIfRequest, WhatIfStateBody } from "./whatif-schemas.ts";

/** An expected failure answered with an HTTP status (mapped to a response in one place, app.ts). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a handler gets. */
export interface RouteContext<Q, P, B> {
  operator: Operator | undefined;
  query: Q;
  params: P;
  body: B;
  deps: RouteDeps;
}

/** What routes need from the server. */
export interface RouteDeps {
  session: CopSession;
  scenarios: { id: string; title: string }[];
  startedAt: number;
  wall: () => number;
  logins: () => z.infer<typeof LoginsBody>["logins"];
  /** Agreement statuses at a time under a variant, from its policy; undefined when unknown. */
  agreementsAt?: (variantId: string, ms: number) => z.infer<typeof AgreementStatusBody>[] | undefined;
  metricsText: () => string;
  openapi: () => unknown;
  /** Starts preparing another exercise (progress goes to the session). */
  prepare: (request: z.infer<typeof ScenarioRequest>) => void;
  /** The what-if comparison job (whatif.ts). */
  whatif: WhatIfJobs;
}

/** A route definition. */
export interface RouteSpec<Q extends z.ZodType, P extends z.ZodType, B extends z.ZodType> {
  method: "GET" | "POST";
  url: string;
  summary: string;
  tag: string;
  /** No token needed (health, metrics, the OpenAPI document, the demo login list). */
  public?: boolean;
  query?: Q;
  params?: P;
  body?: B;
  response: z.ZodType;
  status?: number;
  contentType?: "application/json" | "application/xml" | "text/plain; version=0.0.4";
  handler: (ctx: RouteContext<z.infer<Q>, z.infer<P>, z.infer<B>>) => unknown;
}

/** A route of any types (the registry's element). */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds routes of every request type
export type AnyRoute = RouteSpec<any, any, any>;

function route<
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<Q, P, B>): AnyRoute {
  return spec as AnyRoute;
}

/** The current exercise and clock, or 503 while the first one prepares. */
function ready(deps: RouteDeps): { exercise: CopExercise; clock: ReplayClock } {
  const c = deps.session.current;
  if (!c) {
    const s = deps.session.state;
    throw new ApiError(
      503,
      s.status === "failed" ? "EXERCISE_FAILED" : "PREPARING",
      s.status === "preparing"
        ? `preparing ${s.request.scenarioId}: ${s.progress.phase} ${s.progress.done}/${s.progress.total}`
        : s.status === "failed"
          ? `the exercise failed: ${s.error}`
          : "no exercise",
    );
  }
  return c;
}

/** The operator's view at the replay clock. */
function viewOf(ctx: RouteContext<unknown, unknown, unknown>): OperatorView {
  const { exercise, clock } = ready(ctx.deps);
  if (!ctx.operator) throw new ApiError(401, "UNAUTHENTICATED", "a bearer token is required");
  return new OperatorView(ctx.operator, exercise, clock.position());
}

/** The session as reported. */
export function sessionBody(session: CopSession): z.infer<typeof SessionBody> {
  const s = session.state;
  const c = session.current;
  return {
    status: s.status,
    request: s.request,
    progress: s.status === "preparing" ? s.progress : null,
    error: s.status === "failed" ? s.error : null,
    showing: c
      ? { scenarioId: c.exercise.timeline.setup.scenario.id, variant: c.exercise.timeline.setup.variant.id }
      : null,
    replay: c ? c.clock.state() : null,
  };
}

const TimeParam = z
  .string()
  .regex(/^(\d+|\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?)$/, "epoch milliseconds or an ISO 8601 time")
  .describe("epoch milliseconds or ISO 8601; default: the replay clock");

function parseTime(s: string): number {
  return /^\d+$/.test(s) ? Number(s) : Date.parse(s);
}

/** Every route of the API. */
export const ROUTES: AnyRoute[] = [
  route({
    method: "GET",
    url: "/api/health",
    summary: "Liveness and whether an exercise is ready",
    tag: "operations",
    public: true,
    response: HealthBody,
    handler: ({ deps }) => {
      const s = deps.session.state;
      return {
        status: s.status === "ready" ? "ok" : s.status,
        uptimeS: Math.round((deps.wall() - deps.startedAt) / 1000),
        scenario: deps.session.current?.exercise.timeline.setup.scenario.id ?? null,
      };
    },
  }),
  route({
    method: "GET",
    url: "/metrics",
    summary: "Prometheus metrics (text exposition format 0.0.4)",
    tag: "operations",
    public: true,
    response: z.string(),
    contentType: "text/plain; version=0.0.4",
    handler: ({ deps }) => deps.metricsText(),
  }),
  route({
    method: "GET",
    url: "/api/openapi.json",
    summary: "This API as an OpenAPI 3.1 document",
    tag: "operations",
    public: true,
    response: z.record(z.string(), z.unknown()),
    handler: ({ deps }) => deps.openapi(),
  }),
  route({
    method: "GET",
    url: "/api/logins",
    summary: "Demo operators and their tokens, when the operators file publishes them (demo only)",
    tag: "auth",
    public: true,
    response: LoginsBody,
    handler: ({ deps }) => ({ logins: deps.logins() }),
  }),
  route({
    method: "GET",
    url: "/api/me",
    summary: "The operator this token authenticates",
    tag: "auth",
    response: Responses.me,
    handler: ({ operator }) => operator,
  }),
  route({
    method: "GET",
    url: "/api/session",
    summary: "What is replayed, preparation progress, and the replay clock",
    tag: "scenario",
    response: SessionBody,
    handler: ({ deps }) => sessionBody(deps.session),
  }),
  route({
    method: "GET",
    url: "/api/scenarios",
    summary: "Scenarios that can be chosen",
    tag: "scenario",
    response: Responses.scenarios,
    handler: ({ deps }) => ({ scenarios: deps.scenarios }),
  }),
  route({
    method: "POST",
    url: "/api/scenario",
    summary:
      "Choose a scenario (and seed, variant): the exercise is run again, with progress in /api/session",
    tag: "scenario",
    body: ScenarioRequest,
    status: 202,
    response: SessionBody,
    handler: ({ body, deps }) => {
      if (!deps.scenarios.some((s) => s.id === body.scenarioId))
        throw new ApiError(400, "UNKNOWN_SCENARIO", `no scenario ${body.scenarioId}`);
      deps.prepare(body);
      return sessionBody(deps.session);
    },
  }),
  route({
    method: "GET",
    url: "/api/replay",
    summary: "The replay clock",
    tag: "scenario",
    response: ReplayStateBody,
    handler: ({ deps }) => ready(deps).clock.state(),
  }),
  route({
    method: "POST",
    url: "/api/replay",
    summary: "Play, pause, change speed or seek the replay",
    tag: "scenario",
    body: ReplayCommand,
    response: ReplayStateBody,
    handler: ({ body, deps }) => {
      const { clock } = ready(deps);
      if (body.action === "play") clock.play();
      else if (body.action === "pause") clock.pause();
      else if (body.action === "speed") clock.setSpeed(body.speed);
      else clock.seek(body.positionMs);
      return clock.state();
    },
  }),
  route({
    method: "GET",
    url: "/api/setup",
    summary: "Scenario, nodes, links, agreements at the start, and the operator's own nation's sensors",
    tag: "picture",
    response: Responses.setup,
    handler: (ctx) => {
      const v = viewOf(ctx);
      return { positionMs: v.positionMs, setup: v.setup() };
    },
  }),
  route({
    method: "GET",
    url: "/api/agreements",
    summary: "Each agreement's status at a time (public)",
    tag: "picture",
    query: z.strictObject({ at: TimeParam.optional() }),
    response: Responses.agreements,
    handler: (ctx) => {
      const v = viewOf(ctx);
      const at = ctx.query.at === undefined ? v.positionMs : parseTime(ctx.query.at);
      if (!Number.isFinite(at)) throw new ApiError(400, "BAD_TIME", `at: not a time: ${ctx.query.at}`);
      const setup = v.exercise.timeline.setup;
      const rows = ctx.deps.agreementsAt?.(setup.variant.id, at);
      if (rows) return { positionMs: v.positionMs, at, source: "policy", agreements: rows };
      // Without the variant's policy, the exercise's own record: the status at its start.
      return {
        positionMs: v.positionMs,
        at,
        source: "exercise-start",
        agreements: setup.agreements.map((a) => ({ ...a, operative: null, since: null })),
      };
    },
  }),
  route({
    method: "GET",
    url: "/api/events",
    summary: "Every event the operator may see up to the replay clock (optionally after a sequence number)",
    tag: "picture",
    query: z.strictObject({ after: z.string().regex(/^\d+$/).optional() }),
    response: Responses.events,
    handler: (ctx) => {
      const v = viewOf(ctx);
      return { positionMs: v.positionMs, events: v.events(ctx.query.after ? Number(ctx.query.after) : -1) };
    },
  }),
  route({
    method: "GET",
    url: "/api/tracks",
    summary: "Current tracks (latest state of each track at each of the operator's nation's nodes)",
    tag: "picture",
    response: Responses.tracks,
    handler: (ctx) => {
      const v = viewOf(ctx);
      return { positionMs: v.positionMs, tracks: v.currentTracks() };
    },
  }),
  route({
    method: "GET",
    url: "/api/tracks/:trackId",
    summary: "History of one track",
    tag: "picture",
    params: z.strictObject({ trackId: z.string().min(1) }),
    response: Responses.trackHistory,
    handler: (ctx) => {
      const v = viewOf(ctx);
      const history = v.trackHistory(ctx.params.trackId);
      if (history.length === 0) throw new ApiError(404, "NO_SUCH_TRACK", `no track ${ctx.params.trackId}`);
      return { positionMs: v.positionMs, trackId: ctx.params.trackId, history };
    },
  }),
  route({
    method: "GET",
    url: "/api/fused",
    summary: "Fused picture: the latest fused estimate of each object",
    tag: "picture",
    response: Responses.fused,
    handler: (ctx) => {
      const v = viewOf(ctx);
      return { positionMs: v.positionMs, fused: v.fused() };
    },
  }),
  route({
    method: "GET",
    url: "/api/decisions",
    summary: "Message log: releases, relays, receipts and rejections with their reasons",
    tag: "picture",
    response: Responses.decisions,
    handler: (ctx) => {
      const v = viewOf(ctx);
      return { positionMs: v.positionMs, decisions: v.decisions() };
    },
  }),
  route({
    method: "GET",
    url: "/api/warnings",
    summary: "Public warnings issued so far (with CAP 1.2)",
    tag: "picture",
    response: Responses.warnings,
    handler: (ctx) => {
      const v = viewOf(ctx);
      return { positionMs: v.positionMs, warnings: v.warnings() };
    },
  }),
  route({
    method: "GET",
    url: "/api/warnings/:alertId/cap",
    summary: "One warning as its CAP 1.2 XML document",
    tag: "picture",
    params: z.strictObject({ alertId: z.string().min(1) }),
    response: z.string(),
    contentType: "application/xml",
    handler: (ctx) => {
      const w = viewOf(ctx)
        .warnings()
        .find((x) => x.alertId === ctx.params.alertId);
      if (!w) throw new ApiError(404, "NO_SUCH_WARNING", `no warning ${ctx.params.alertId}`);
      return w.cap;
    },
  }),
  route({
    method: "GET",
    url: "/api/audit",
    summary: "Audit tree heads (the latest of each node the operator may see)",
    tag: "audit",
    response: Responses.audit,
    handler: (ctx) => {
      const v = viewOf(ctx);
      return { positionMs: v.positionMs, heads: v.auditHeads() };
    },
  }),
  route({
    method: "GET",
    url: "/api/audit/:node/proof/:leafIndex",
    summary: "Inclusion proof of one leaf of a node's audit log, at the head the replay has reached",
    tag: "audit",
    params: z.strictObject({ node: z.string().min(1), leafIndex: z.string().regex(/^\d+$/) }),
    response: Responses.proof,
    handler: (ctx) => {
      const v = viewOf(ctx);
      const leafIndex = Number(ctx.params.leafIndex);
      const head = v.auditHeads().find((h) => h.node === ctx.params.node);
      // Authorisation is the head's: no visible head of that node, no proof.
      if (!head) throw new ApiError(404, "NO_SUCH_LOG", `no audit head of ${ctx.params.node} visible`);
      if (leafIndex >= head.size)
        throw new ApiError(404, "NO_SUCH_LEAF", `leaf ${leafIndex} is beyond the head (size ${head.size})`);
      const proof = v.exercise.auditProof(head.node, leafIndex, head.size);
      if (!proof) throw new ApiError(404, "NO_SUCH_LEAF", `no leaf ${leafIndex} in ${head.node}'s log`);
      if (proof.treeSize !== head.size)
        throw new ApiError(
          409,
          "PROOF_AHEAD_OF_REPLAY",
          `the exercise gives proofs at size ${proof.treeSize} only; the replay has reached size ${head.size}`,
        );
      return { positionMs: v.positionMs, node: head.node, leafIndex, ...proof };
    },
  }),
  route({
    method: "GET",
    url: "/api/whatif",
    summary:
      "The what-if comparison: idle, running with progress, done (the comparison over only what this operator may see: its own nation's rows and the public warnings), or failed",
    tag: "whatif",
    response: WhatIfStateBody,
    handler: ({ operator, deps }) => deps.whatif.stateFor(operator as Operator),
  }),
  route({
    method: "POST",
    url: "/api/whatif",
    summary:
      "Start a what-if comparison of the scenario shown, once per variant (actual first, the baseline); 409 while one runs",
    tag: "whatif",
    body: WhatIfRequest,
    status: 202,
    response: WhatIfStateBody,
    handler: ({ operator, body, deps }) => {
      const { setup } = ready(deps).exercise.timeline;
      try {
        deps.whatif.start({ scenarioId: setup.scenario.id, seed: setup.seed }, body);
      } catch (e) {
        if (e instanceof WhatIfRefusal) throw new ApiError(e.status, e.code, e.message);
        throw e;
      }
      return deps.whatif.stateFor(operator as Operator);
    },
  }),
];
