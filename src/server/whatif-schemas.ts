/**
 * Schemas of the what-if API (`POST /api/whatif`, `GET /api/whatif`): the server parses requests and
 * documents responses with them, and the web app parses the answers with the same objects. No node:
 * import here (the browser bundles this file).
 */
import { z } from "zod";
import { VARIANTS } from "../exercise/variants.ts";
import { NationOutcome, WhatIfComparison } from "../exercise/whatif.ts";
import { PartyCode } from "../model/party.ts";

/** Variants run when the request names none (besides the baseline `actual`, always run first). */
export const WHATIF_DEFAULT_VARIANTS = ["before-2023-12-19", "no-gsomia", "all"] as const;

const variantIds = VARIANTS.map((v) => v.id) as [string, ...string[]];

/** `POST /api/whatif`: what to compare. The scenario is the one the session is showing. */
export const WhatIfRequest = z.strictObject({
  variants: z
    .array(z.enum(variantIds))
    .min(1)
    .max(variantIds.length)
    .optional()
    .describe(
      `variant ids (${variantIds.join(", ")}); actual is always run first as the baseline; default ${WHATIF_DEFAULT_VARIANTS.join(", ")}`,
    ),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional()
    .describe("seed of the sensor simulation, the same for every variant; default the shown exercise's"),
  untilS: z
    .number()
    .positive()
    .max(7200)
    .optional()
    .describe("end each replay this many seconds after launch; default when the last detection arrives"),
  shareIntervalS: z
    .number()
    .min(0.5)
    .max(10)
    .optional()
    .describe("release period and simulated clock step (s); default 1, 2 halves the run time"),
});
export type WhatIfRequest = z.infer<typeof WhatIfRequest>;

/** The comparison asked for, with every default filled in. */
export const WhatIfJobRequest = z.strictObject({
  scenarioId: z.string(),
  seed: z.number().int(),
  /** Variant ids in the order run: `actual` (the baseline) first. */
  variants: z.array(z.string()).min(1),
  shareIntervalS: z.number().positive(),
  untilS: z.number().positive().nullable(),
});
export type WhatIfJobRequest = z.infer<typeof WhatIfJobRequest>;

/** Progress of a running comparison. */
export const WhatIfProgress = z.strictObject({
  /** The variant being run, its position (1-based) and the number of variants. */
  variant: z.string(),
  index: z.number().int().positive(),
  of: z.number().int().positive(),
  /** The exercise's phase and its progress within the variant. */
  phase: z.string(),
  done: z.number(),
  total: z.number(),
  /** Of the whole comparison, 0 to 1. */
  fraction: z.number().min(0).max(1),
});
export type WhatIfProgress = z.infer<typeof WhatIfProgress>;

/** Another nation's public warnings under one variant (public, so every operator may see them). */
export const PublicWarnings = z.strictObject({
  variant: z.string(),
  nation: PartyCode,
  name: z.string(),
  firstWarning: NationOutcome.shape.firstWarning,
  warnings: NationOutcome.shape.warnings,
});

/**
 * The comparison as one operator may see it: computed only from the events of each run the operator may
 * see (`maySee`, over the whole run), so `comparison.variants[].nations` holds the operator's own nation
 * only, its releases, denials and deliveries are those its nation's nodes hold, and its summary keeps the
 * sentences about that nation; other nations' public warnings are in `publicWarnings`.
 */
export const WhatIfOperatorResult = z.strictObject({
  nation: PartyCode,
  clearance: z.string().nullable(),
  /** What this view includes, in a sentence (shown by the web app). */
  scope: z.string(),
  comparison: WhatIfComparison,
  publicWarnings: z.array(PublicWarnings),
});
export type WhatIfOperatorResult = z.infer<typeof WhatIfOperatorResult>;

/** The what-if job as one operator sees it. */
export const WhatIfJobBody = z.discriminatedUnion("status", [
  z.strictObject({ status: z.literal("idle") }),
  z.strictObject({
    status: z.literal("running"),
    request: WhatIfJobRequest,
    startedAt: z.string(),
    progress: WhatIfProgress,
  }),
  z.strictObject({
    status: z.literal("done"),
    request: WhatIfJobRequest,
    startedAt: z.string(),
    finishedAt: z.string(),
    result: WhatIfOperatorResult,
  }),
  z.strictObject({
    status: z.literal("failed"),
    request: WhatIfJobRequest,
    startedAt: z.string(),
    finishedAt: z.string(),
    error: z.string(),
  }),
]);
export type WhatIfJobBody = z.infer<typeof WhatIfJobBody>;

/** `GET /api/whatif` (and the answer to `POST`). */
export const WhatIfStateBody = z.strictObject({
  /** Whether this server can run comparisons (it has an exercise runner for them). */
  available: z.boolean(),
  /** Variants that can be asked for, with what each changes. */
  variants: z.array(z.strictObject({ id: z.string(), description: z.string() })),
  defaults: z.strictObject({ variants: z.array(z.string()) }),
  job: WhatIfJobBody,
});
export type WhatIfStateBody = z.infer<typeof WhatIfStateBody>;
