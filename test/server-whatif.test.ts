// The what-if API (POST/GET /api/whatif) through Fastify's inject: the job (start, one at a time with
// 409, progress, result, failure), its authorisation (every nation × clearance against an independent
// statement of the visibility rule), the OpenAPI document, and one real comparison (runExercise on
// 2022-10-04, two variants, 120 s at a 2 s share interval).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../src/config/project.ts";
import { runExercise } from "../src/exercise/index.ts";
import { compareVariants, type WhatIfRun } from "../src/exercise/whatif.ts";
import { type CopEvent, CopTimeline } from "../src/model/cop.ts";
import { buildServer, type CopServer } from "../src/server/app.ts";
import { type Operator, TokenFileAuthenticator } from "../src/server/auth.ts";
import { fixtureExercise, fixtureTimeline } from "../src/server/cop.fixture.ts";
import { matrixOperators } from "../src/server/testing.ts";
import type { WhatIfRunner } from "../src/server/whatif.ts";
import { WhatIfStateBody } from "../src/server/whatif-schemas.ts";

const { schemes } = loadProject();
const operators = matrixOperators().operators;
const auth = new TokenFileAuthenticator(matrixOperators(), schemes);
function authenticate(token: string): Operator {
  const op = auth.authenticate(token);
  if (!op) throw new Error(`no operator ${token}`);
  return op;
}

/** The fixture's missile impact is predicted at 40.0°N 150.0°E; the "truth" is 0.5° north of it. */
const TRUTH = {
  objects: [
    {
      objectId: "HS12-1",
      launchId: "L1",
      role: "missile" as const,
      launchT: fixtureTimeline().setup.startMs / 1000,
      impact: { t: fixtureTimeline().setup.startMs / 1000 + 1320, lat: 40.5, lon: 150.0 },
    },
  ],
};

/**
 * The fixture as run under a variant: `no-gsomia` takes away every Korean track Japan received (as the
 * GSOMIA's absence would), everything else is the fixture as it is.
 */
function fixtureUnder(variant: string): CopTimeline {
  const tl = fixtureTimeline();
  const events = tl.events.filter(
    (e) => !(variant === "no-gsomia" && e.type === "track" && e.holder === "JPN" && e.origin.party === "KOR"),
  );
  return CopTimeline.parse({
    setup: { ...tl.setup, variant: { id: variant, description: `fixture under ${variant}` } },
    events: events.map((e, seq) => ({ ...e, seq })),
  });
}

/** A what-if runner over the fixture whose runs finish when the test lets them (`release()`). */
function gatedRunner() {
  const calls: { variant: string; seed: number; untilS?: number; shareIntervalS: number }[] = [];
  let open: () => void = () => {};
  let gate = new Promise<void>((r) => {
    open = r;
  });
  let closed = 0;
  const runner: WhatIfRunner = async (o) => {
    calls.push({
      variant: o.variant,
      seed: o.seed,
      shareIntervalS: o.shareIntervalS,
      ...(o.untilS === undefined ? {} : { untilS: o.untilS }),
    });
    o.onProgress?.({ phase: "replaying through the network", done: 1, total: 4 });
    await gate;
    if (o.variant === "all") throw new Error("fixture runner: no run under all");
    return {
      timeline: fixtureUnder(o.variant),
      truth: TRUTH,
      close: async () => {
        closed++;
      },
    };
  };
  return {
    runner,
    calls,
    closed: () => closed,
    release() {
      open();
      gate = Promise.resolve();
    },
    rearm() {
      gate = new Promise<void>((r) => {
        open = r;
      });
    },
  };
}

async function serverWith(whatifRunner: WhatIfRunner | undefined): Promise<CopServer> {
  const server = await buildServer({
    authenticator: new TokenFileAuthenticator(matrixOperators(), schemes),
    runner: async () => fixtureExercise(),
    ...(whatifRunner ? { whatifRunner } : {}),
    initial: { scenarioId: "2022-10-04" },
    scenarios: [{ id: "2022-10-04", title: "fixture" }],
    wall: () => 1_700_000_000_000,
    streamTickMs: 1000,
  });
  await server.ready();
  return server;
}

const inject = (server: CopServer, method: "GET" | "POST", token: string | undefined, body?: unknown) =>
  server.app.inject({
    method,
    url: "/api/whatif",
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body === undefined ? {} : { payload: body as object }),
  });

/** GET /api/whatif, parsed through the published schema. */
async function state(server: CopServer, token: string) {
  const res = await inject(server, "GET", token);
  expect(res.statusCode).toBe(200);
  return WhatIfStateBody.parse(res.json());
}

/** The independent statement of the visibility rule (not view.ts's code). */
const visibleTo = (op: Operator) => (e: CopEvent) =>
  (e.holder === op.party || e.holder === "PUBLIC") && e.marking.rank <= op.clearanceRank;

describe("the what-if job over the fixture", () => {
  let server: CopServer;
  const gated = gatedRunner();

  beforeAll(async () => {
    server = await serverWith(gated.runner);
  });
  afterAll(async () => server.close());

  it("needs a token, and validates the body naming the field", async () => {
    expect((await inject(server, "GET", undefined)).statusCode).toBe(401);
    expect((await inject(server, "POST", "nope-nope", {})).statusCode).toBe(401);
    const bad = await inject(server, "POST", "t-JPN-HI", { variants: ["never"] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^body\.variants\.0: /);
    const extra = await inject(server, "POST", "t-JPN-HI", { untilS: -5 });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.message).toMatch(/^body\.untilS: /);
  });

  it("is idle and lists the variants with their descriptions before any run", async () => {
    const s = await state(server, "t-KOR-I");
    expect(s.available).toBe(true);
    expect(s.job).toEqual({ status: "idle" });
    expect(s.variants.map((v) => v.id)).toEqual(["actual", "no-gsomia", "before-2023-12-19", "all"]);
    expect(s.defaults.variants).toEqual(["before-2023-12-19", "no-gsomia", "all"]);
  });

  it("starts (202, running), refuses a second start with 409, shows progress, then the result", async () => {
    const res = await inject(server, "POST", "t-JPN-HI", { variants: ["no-gsomia"], untilS: 300 });
    expect(res.statusCode).toBe(202);
    const started = WhatIfStateBody.parse(res.json());
    expect(started.job.status).toBe("running");
    if (started.job.status !== "running") return;
    // The scenario and seed of the exercise shown; actual first as the baseline.
    expect(started.job.request).toEqual({
      scenarioId: "2022-10-04",
      seed: 1,
      variants: ["actual", "no-gsomia"],
      shareIntervalS: 1,
      untilS: 300,
    });

    const again = await inject(server, "POST", "t-USA-TS", {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("WHATIF_RUNNING");
    expect(again.json().error.message).toMatch(/already running.*only one runs at a time/);

    const running = await state(server, "t-USA-S");
    expect(running.job.status).toBe("running");
    if (running.job.status === "running")
      expect(running.job.progress).toMatchObject({
        variant: "actual",
        index: 1,
        of: 2,
        phase: "replaying through the network",
        fraction: 0.125,
      });

    gated.release();
    await server.whatif.finished;
    const done = await state(server, "t-JPN-GOKUHI");
    expect(done.job.status).toBe("done");
    expect(gated.calls.map((c) => c.variant)).toEqual(["actual", "no-gsomia"]);
    expect(gated.calls.every((c) => c.seed === 1 && c.untilS === 300 && c.shareIntervalS === 1)).toBe(true);
    expect(gated.closed()).toBe(2);
    if (done.job.status !== "done") return;
    const c = done.job.result.comparison;
    expect(c.variants.map((v) => v.id)).toEqual(["actual", "no-gsomia"]);
    const jpn = c.variants.map((v) => v.nations);
    expect(jpn.map((ns) => ns.map((n) => n.nation))).toEqual([["JPN"], ["JPN"]]);
    // Japan (極秘) holds its own track at +60, the ROK track at +64 under actual and none without GSOMIA.
    expect(jpn[0]?.[0]?.firstOwnTrack?.s).toBe(60);
    expect(jpn[0]?.[0]?.firstTrackFrom.map((f) => [f.fromParty, f.s])).toEqual([["KOR", 64]]);
    expect(jpn[1]?.[0]?.firstTrackFrom).toEqual([]);
    expect(c.variants[1]?.summary.join(" ")).toMatch(/Under no-gsomia, Japan receives no ROK track/);
    // The fused estimate at +65 (40.0°N) against the truth 0.5° north: about 55.6 km.
    expect(jpn[0]?.[0]?.impactErrors.find((e) => e.atS === 120)?.km).toBeCloseTo(55.6, 0);
  });

  it("every nation × clearance sees exactly its own nation's row computed from what it may see", async () => {
    const runs: WhatIfRun[] = ["actual", "no-gsomia"].map((v) => ({
      timeline: fixtureUnder(v),
      truth: TRUTH,
    }));
    for (const o of operators) {
      const op = authenticate(o.token);
      const s = await state(server, o.token);
      expect(s.job.status).toBe("done");
      if (s.job.status !== "done") continue;
      const r = s.job.result;
      expect(r.nation).toBe(op.party);
      const expected = compareVariants(
        runs.map((x) => ({
          truth: x.truth,
          timeline: { setup: x.timeline.setup, events: x.timeline.events.filter(visibleTo(op)) },
        })),
      );
      r.comparison.variants.forEach((v, i) => {
        expect(v.nations.map((n) => n.nation)).toEqual([op.party]);
        expect(v.nations[0]).toEqual(expected.variants[i]?.nations.find((n) => n.nation === op.party));
        // Other nations' rows are absent; their public warnings are all that is said of them.
        for (const w of r.publicWarnings) expect(w.nation).not.toBe(op.party);
      });
      // The Japanese warning at +420 is public: every operator of another nation sees it.
      if (op.party !== "JPN")
        expect(r.publicWarnings.filter((w) => w.nation === "JPN").map((w) => w.firstWarning?.s)).toEqual([
          420, 420,
        ]);
    }
  });

  it("hides what the clearance does not reach (Japan at 秘 holds no own track of its own rank 極秘)", async () => {
    const low = await state(server, "t-JPN-HI");
    const high = await state(server, "t-JPN-GOKUHI");
    if (low.job.status !== "done" || high.job.status !== "done") throw new Error("not done");
    const lowJpn = low.job.result.comparison.variants[0]?.nations[0];
    const highJpn = high.job.result.comparison.variants[0]?.nations[0];
    expect(lowJpn?.firstOwnTrack).toBeNull();
    expect(highJpn?.firstOwnTrack?.s).toBe(60);
    // The ROK track Japan holds is marked 秘: both see it.
    expect(lowJpn?.firstTrackFrom.map((f) => f.s)).toEqual([64]);
    // Korea's releases are held by Korea: a Japanese operator's counts never include them.
    const krOwn = (await state(server, "t-KOR-I")).job;
    if (krOwn.status !== "done") throw new Error("not done");
    expect(JSON.stringify(low.job.result)).not.toContain("KTMO-001");
    expect(JSON.stringify(krOwn.result.comparison.variants[0]?.nations)).toContain("ROK_KTMO_CELL");
  });

  it("keeps only the summary sentences about the operator's nation", async () => {
    const usa = (await state(server, "t-USA-TS")).job;
    const kor = (await state(server, "t-KOR-I")).job;
    if (usa.status !== "done" || kor.status !== "done") throw new Error("not done");
    // Japan loses the ROK track without GSOMIA; nothing the USA or Korea holds changes.
    expect(usa.result.comparison.variants[1]?.summary).toEqual([
      "Under no-gsomia, nothing you may see differs for United States from actual.",
    ]);
    expect(kor.result.comparison.variants[0]?.summary).toHaveLength(1);
    expect(kor.result.comparison.variants[0]?.summary[0]).toMatch(/^Under actual, Republic of Korea: /);
    expect(JSON.stringify(kor.result.comparison.variants.map((v) => v.summary))).not.toContain("Japan");
  });

  it("reports a failed run with its error, and can start again afterwards", async () => {
    gated.rearm();
    const res = await inject(server, "POST", "t-KOR-III", { variants: ["all"], seed: 7, shareIntervalS: 2 });
    expect(res.statusCode).toBe(202);
    gated.release();
    await server.whatif.finished;
    const s = await state(server, "t-KOR-III");
    expect(s.job.status).toBe("failed");
    if (s.job.status === "failed") {
      expect(s.job.error).toBe("fixture runner: no run under all");
      expect(s.job.request.seed).toBe(7);
    }
    const again = await inject(server, "POST", "t-KOR-III", { variants: ["no-gsomia"] });
    expect(again.statusCode).toBe(202);
    await server.whatif.finished;
    expect((await state(server, "t-KOR-III")).job.status).toBe("done");
  });

  it("the OpenAPI document describes both routes from the zod schemas", async () => {
    const doc = (await server.app.inject({ url: "/api/openapi.json" })).json();
    const p = doc.paths["/api/whatif"];
    expect(Object.keys(p).sort()).toEqual(["get", "post"]);
    expect(p.post.responses["202"]).toBeDefined();
    expect(p.post.requestBody.content["application/json"].schema.properties.variants.items.enum).toEqual([
      "actual",
      "no-gsomia",
      "before-2023-12-19",
      "all",
    ]);
    expect(
      p.get.responses["200"].content["application/json"].schema.properties.job.oneOf ??
        p.get.responses["200"].content["application/json"].schema.properties.job.anyOf,
    ).toHaveLength(4);
  });
});

describe("stopping the server", () => {
  it("aborts the run in progress through its signal; the job fails saying why", async () => {
    let aborted: unknown;
    const runner: WhatIfRunner = (o) =>
      new Promise((_resolve, reject) => {
        o.signal?.addEventListener("abort", () => {
          aborted = o.signal?.reason;
          reject(o.signal?.reason);
        });
      });
    const server = await serverWith(runner);
    expect((await inject(server, "POST", "t-USA-TS", {})).statusCode).toBe(202);
    expect(server.whatif.running).toBe(true);
    await server.close();
    await server.whatif.finished;
    expect(server.whatif.running).toBe(false);
    expect(String(aborted)).toMatch(/the server is stopping/);
    const job = server.whatif.jobFor(authenticate("t-USA-TS"));
    expect(job.status === "failed" && job.error).toBe("the server is stopping");
  });
});

describe("without a what-if runner", () => {
  it("GET says it is unavailable and POST answers 501", async () => {
    const server = await serverWith(undefined);
    try {
      expect((await state(server, "t-USA-TS")).available).toBe(false);
      const res = await inject(server, "POST", "t-USA-TS", {});
      expect(res.statusCode).toBe(501);
      expect(res.json().error.code).toBe("WHATIF_UNAVAILABLE");
    } finally {
      await server.close();
    }
  });
});

describe("a real comparison (runExercise, 2022-10-04, 120 s at 2 s)", () => {
  it("runs actual and no-gsomia in the background; a nation's top clearance sees its full row", async () => {
    const captured: WhatIfRun[] = [];
    const runner: WhatIfRunner = async (o) => {
      const ex = await runExercise(o);
      captured.push({ timeline: ex.timeline, truth: ex.truth });
      return ex;
    };
    const server = await serverWith(runner);
    try {
      const res = await inject(server, "POST", "t-JPN-KIMITSU", {
        variants: ["no-gsomia"],
        untilS: 120,
        shareIntervalS: 2,
      });
      expect(res.statusCode).toBe(202);
      expect((await inject(server, "POST", "t-JPN-KIMITSU", {})).statusCode).toBe(409);
      const phases = new Set<string>();
      while (server.whatif.running) {
        const s = await state(server, "t-USA-TS");
        if (s.job.status === "running") phases.add(`${s.job.progress.variant}:${s.job.progress.phase}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect([...phases].some((p) => p.startsWith("no-gsomia:"))).toBe(true);
      const s = await state(server, "t-JPN-KIMITSU");
      if (s.job.status !== "done") throw new Error(`not done: ${JSON.stringify(s.job).slice(0, 300)}`);
      const full = compareVariants(captured);
      const r = s.job.result.comparison;
      expect(r.scenario.id).toBe("2022-10-04");
      expect(r.variants.map((v) => v.id)).toEqual(["actual", "no-gsomia"]);
      for (const [i, v] of r.variants.entries())
        expect(v.nations).toEqual(full.variants[i]?.nations.filter((n) => n.nation === "JPN"));
      // Japan holds a track of its own within the 120 s, and scores an impact error by +120 s.
      expect(r.variants[0]?.nations[0]?.firstOwnTrack).not.toBeNull();
      expect(r.variants[0]?.nations[0]?.impactErrors.find((e) => e.atS === 120)?.km).not.toBeNull();
    } finally {
      await server.close();
    }
  }, 600_000);
});
