/**
 * The API's request and response schemas (zod): the server parses every request through them and the
 * OpenAPI document is generated from the same objects.
 */
import { z } from "zod";
import {
  CopAuditEvent,
  CopDecisionEvent,
  CopEvent,
  CopFusedEvent,
  CopSetup,
  CopTrackEvent,
  CopWarningEvent,
} from "../model/cop.ts";
import { Operator } from "./auth.ts";
import { MAX_SPEED, MIN_SPEED } from "./replay.ts";

/** An error answer: a stable code and a message for people. */
export const ErrorBody = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string() }),
});

/** Replay clock state. */
export const ReplayStateBody = z.strictObject({
  positionMs: z.number(),
  startMs: z.number(),
  endMs: z.number(),
  playing: z.boolean(),
  speed: z.number(),
  loop: z.boolean(),
  epoch: z.number().int(),
});

const ExerciseRequestBody = z.strictObject({
  scenarioId: z.string().regex(/^[A-Za-z0-9._-]+$/, "a scenario id such as 2022-10-04"),
  seed: z.number().int().optional(),
  variant: z.string().min(1).optional(),
});

/** Session: what is shown and whether it is ready. */
export const SessionBody = z.strictObject({
  status: z.enum(["preparing", "ready", "failed"]),
  request: ExerciseRequestBody,
  progress: z.strictObject({ phase: z.string(), done: z.number(), total: z.number() }).nullable(),
  error: z.string().nullable(),
  /** The scenario currently replayed (the previous one stays while another prepares), or null. */
  showing: z.strictObject({ scenarioId: z.string(), variant: z.string() }).nullable(),
  replay: ReplayStateBody.nullable(),
});

/** `POST /api/scenario`. */
export const ScenarioRequest = ExerciseRequestBody;

/** `POST /api/replay`. */
export const ReplayCommand = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("play") }),
  z.strictObject({ action: z.literal("pause") }),
  z.strictObject({ action: z.literal("speed"), speed: z.number().min(MIN_SPEED).max(MAX_SPEED) }),
  z.strictObject({ action: z.literal("seek"), positionMs: z.number() }),
]);

/** Health. */
export const HealthBody = z.strictObject({
  status: z.enum(["ok", "preparing", "failed"]),
  uptimeS: z.number(),
  scenario: z.string().nullable(),
});

/** Demo logins the login screen may list. */
export const LoginsBody = z.strictObject({
  logins: z.array(z.strictObject({ token: z.string(), operator: Operator })),
});

/** One agreement's status at a time. */
export const AgreementStatusBody = z.strictObject({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  operative: z.boolean().nullable(),
  since: z.string().nullable(),
  detail: z.string(),
});

const At = { positionMs: z.number().describe("replay clock: nothing after it is included") };

export const Responses = {
  me: Operator,
  setup: z.strictObject({ ...At, setup: CopSetup }),
  agreements: z.strictObject({
    ...At,
    at: z.number(),
    source: z.enum(["policy", "exercise-start"]),
    agreements: z.array(AgreementStatusBody),
  }),
  events: z.strictObject({ ...At, events: z.array(CopEvent) }),
  tracks: z.strictObject({ ...At, tracks: z.array(CopTrackEvent) }),
  trackHistory: z.strictObject({ ...At, trackId: z.string(), history: z.array(CopTrackEvent) }),
  fused: z.strictObject({ ...At, fused: z.array(CopFusedEvent) }),
  decisions: z.strictObject({ ...At, decisions: z.array(CopDecisionEvent) }),
  warnings: z.strictObject({ ...At, warnings: z.array(CopWarningEvent) }),
  audit: z.strictObject({ ...At, heads: z.array(CopAuditEvent) }),
  proof: z.strictObject({
    ...At,
    node: z.string(),
    leafIndex: z.number().int(),
    treeSize: z.number().int(),
    rootHex: z.string(),
    /** The leaf's hash, when the exercise gives it (RFC 9162 leaf hash, hex). */
    leafHashHex: z.string().optional(),
    /** Sibling hashes from the leaf to the root (hex). */
    path: z.array(z.string()),
  }),
  scenarios: z.strictObject({ scenarios: z.array(z.strictObject({ id: z.string(), title: z.string() })) }),
} as const;

/** Messages on the WebSocket stream (server to client). */
export const StreamMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("hello"), operator: Operator, session: SessionBody }),
  z.strictObject({
    type: z.literal("snapshot"),
    replay: ReplayStateBody,
    scenarioId: z.string(),
    events: z.array(CopEvent),
  }),
  z.strictObject({ type: z.literal("event"), event: CopEvent }),
  z.strictObject({ type: z.literal("replay"), replay: ReplayStateBody }),
  z.strictObject({ type: z.literal("session"), session: SessionBody }),
]);
export type StreamMessage = z.infer<typeof StreamMessage>;
