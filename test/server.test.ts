// The COP API through Fastify's inject: authentication, the authorisation matrix (every endpoint ×
// nation × clearance), the replay bound, replay control, the OpenAPI document, health and metrics.
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../src/config/project.ts";
import type { CopEvent } from "../src/model/cop.ts";
import { TokenFileAuthenticator } from "../src/server/auth.ts";
import { fixtureTimeline } from "../src/server/cop.fixture.ts";
import { ROUTES } from "../src/server/routes.ts";
import { Responses } from "../src/server/schemas.ts";
import { fixtureServer, matrixOperators } from "../src/server/testing.ts";

type Server = Awaited<ReturnType<typeof fixtureServer>>;
let server: Server;
const timeline = fixtureTimeline();
const { startMs, endMs } = timeline.setup;

const get = (url: string, token?: string) =>
  server.app.inject({ method: "GET", url, headers: token ? { authorization: `Bearer ${token}` } : {} });
const post = (url: string, body: unknown, token?: string) =>
  server.app.inject({
    method: "POST",
    url,
    payload: body as object,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

/** Concrete URLs for every route (path parameters filled with values the fixture has). */
function concreteUrl(url: string): string {
  return url
    .replace(":trackId", "JSDF-001")
    .replace(":alertId", "JPN-JALERT-0001")
    .replace(":node", "JSDF")
    .replace(":leafIndex", "0");
}

/** Every object in a JSON value that looks like a COP event (has holder and marking). */
function eventsIn(value: unknown, out: { holder: string; marking: { rank: number }; t: number }[] = []) {
  if (Array.isArray(value)) for (const v of value) eventsIn(v, out);
  else if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.holder === "string" && o.marking && typeof o.t === "number") out.push(o as never);
    for (const v of Object.values(o)) eventsIn(v, out);
  }
  return out;
}

beforeAll(async () => {
  server = await fixtureServer();
  // Stop at the end of the exercise so every event is within the replay clock.
  await post("/api/replay", { action: "pause" }, "t-USA-TS");
  await post("/api/replay", { action: "seek", positionMs: endMs }, "t-USA-TS");
});
afterAll(async () => server.close());

const protectedRoutes = ROUTES.filter((r) => !r.public);
const operators = matrixOperators().operators;

describe("authentication", () => {
  it.each(protectedRoutes.map((r) => [r.method, r.url] as const))(
    "%s %s: 401 without a token",
    async (m, url) => {
      const res = m === "GET" ? await get(concreteUrl(url)) : await post(concreteUrl(url), {});
      expect(res.statusCode).toBe(401);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
      expect(res.json().error.code).toBe("UNAUTHENTICATED");
    },
  );

  it.each(protectedRoutes.map((r) => [r.method, r.url] as const))(
    "%s %s: 401 with a bad token",
    async (m, url) => {
      const res =
        m === "GET"
          ? await get(concreteUrl(url), "t-USA-TSX")
          : await post(concreteUrl(url), {}, "nope-nope");
      expect(res.statusCode).toBe(401);
    },
  );

  it("the token authenticator refuses clearances the nation's scheme does not have", () => {
    const { schemes } = loadProject();
    expect(
      () =>
        new TokenFileAuthenticator(
          {
            publishTokens: false,
            operators: [{ token: "abcdefgh", name: "x", party: "JPN", clearance: "TS" }],
          },
          schemes,
        ),
    ).toThrow(/TS is not a level of JPN/);
  });

  it("/api/me names the operator, the nation and the clearance in its own terms", async () => {
    const me = (await get("/api/me", "t-KOR-II")).json();
    expect(me).toMatchObject({
      party: "KOR",
      clearance: "II",
      clearanceRank: 2,
      clearanceNative: "군사II급비밀",
    });
  });
});

describe("authorisation matrix: every GET endpoint × nation × clearance", () => {
  const gets = protectedRoutes.filter((r) => r.method === "GET");
  const cases = operators.flatMap((op) => gets.map((r) => [op.token, r.url] as const));

  it.each(cases)(
    "%s %s sees only its nation's (or public) events at or below its clearance",
    async (token, url) => {
      const op = server.auth.authenticate(token);
      if (!op) throw new Error("matrix operator missing");
      const res = await get(concreteUrl(url), token);
      expect([200, 404, 409]).toContain(res.statusCode);
      if (res.statusCode !== 200) return;
      if (String(res.headers["content-type"]).startsWith("application/xml")) {
        // A warning's CAP, which is public: served only when the warning is in the operator's view.
        expect(res.body).toContain("<alert");
        return;
      }
      for (const e of eventsIn(res.json())) {
        expect(e.holder === op.party || e.holder === "PUBLIC").toBe(true);
        expect(e.marking.rank).toBeLessThanOrEqual(op.clearanceRank);
      }
    },
  );

  it.each(operators.map((o) => [o.token] as const))(
    "%s: /api/events is exactly what copVisible allows",
    async (token) => {
      const op = server.auth.authenticate(token);
      if (!op) throw new Error("matrix operator missing");
      const got = (await get("/api/events", token)).json().events.map((e: CopEvent) => e.seq);
      // Independent statement of the rule, against the fixture.
      const expected = timeline.events
        .filter((e) => (e.holder === op.party || e.holder === "PUBLIC") && e.marking.rank <= op.clearanceRank)
        .map((e) => e.seq);
      expect(got).toEqual(expected);
    },
  );

  it("the matrix has teeth: clearance and nation change what is seen", async () => {
    const seqs = async (t: string) => (await get("/api/events", t)).json().events.map((e: CopEvent) => e.seq);
    const korTop = await seqs("t-KOR-I");
    const korLow = await seqs("t-KOR-III");
    const jpn = await seqs("t-JPN-KIMITSU");
    expect(korTop.length).toBeGreaterThan(korLow.length); // the 군사I급비밀 rejection
    expect(korTop.filter((s: number) => jpn.includes(s))).toEqual(
      timeline.events.filter((e) => e.holder === "PUBLIC").map((e) => e.seq),
    );
    const usaS = (await get("/api/tracks", "t-USA-S")).json().tracks;
    const usaTs = (await get("/api/tracks", "t-USA-TS")).json().tracks;
    expect(usaTs.length).toBe(usaS.length + 1); // the TOP SECRET hub track
  });

  it("sensors: each nation sees only its own", async () => {
    for (const party of ["USA", "KOR", "JPN"]) {
      const setup = (await get("/api/setup", `t-${party}-none`)).json().setup;
      expect(setup.sensors.length).toBeGreaterThan(0);
      expect(setup.sensors.every((s: { nation: string }) => s.nation === party)).toBe(true);
    }
  });

  it("audit proofs: only for a log whose head the operator sees, and within it", async () => {
    expect((await get("/api/audit/JSDF/proof/0", "t-JPN-HI")).statusCode).toBe(200);
    expect((await get("/api/audit/JSDF/proof/0", "t-JPN-none")).statusCode).toBe(404);
    expect((await get("/api/audit/JSDF/proof/0", "t-KOR-I")).statusCode).toBe(404);
    expect((await get("/api/audit/JSDF/proof/3", "t-JPN-HI")).json().error.code).toBe("NO_SUCH_LEAF");
    const proof = Responses.proof.parse((await get("/api/audit/JSDF/proof/2", "t-JPN-KIMITSU")).json());
    expect(proof).toMatchObject({ node: "JSDF", leafIndex: 2, treeSize: 3 });
  });

  it("warnings: public, JSON and the raw CAP per alert", async () => {
    for (const party of ["USA", "KOR", "JPN"]) {
      const w = (await get("/api/warnings", `t-${party}-none`)).json().warnings;
      expect(w.map((x: { alertId: string }) => x.alertId)).toEqual(["JPN-JALERT-0001"]);
    }
    const cap = await get("/api/warnings/JPN-JALERT-0001/cap", "t-KOR-none");
    expect(cap.headers["content-type"]).toMatch(/^application\/xml/);
    expect(cap.body).toContain("<identifier>JPN-JALERT-0001</identifier>");
    expect((await get("/api/warnings/nope/cap", "t-KOR-none")).statusCode).toBe(404);
  });

  it("responses match their documented schemas", async () => {
    Responses.setup.parse((await get("/api/setup", "t-USA-TS")).json());
    Responses.events.parse((await get("/api/events", "t-USA-TS")).json());
    Responses.tracks.parse((await get("/api/tracks", "t-JPN-KIMITSU")).json());
    Responses.trackHistory.parse((await get("/api/tracks/JSDF-001", "t-JPN-KIMITSU")).json());
    Responses.fused.parse((await get("/api/fused", "t-JPN-KIMITSU")).json());
    Responses.decisions.parse((await get("/api/decisions", "t-KOR-I")).json());
    Responses.audit.parse((await get("/api/audit", "t-USA-S")).json());
    Responses.agreements.parse((await get("/api/agreements?at=2022-10-04T00:00:00Z", "t-USA-S")).json());
  });
});

describe("the replay clock bounds every answer", () => {
  it("only events at or before the clock; a seek changes what is seen", async () => {
    const at = startMs + 61_000;
    await post("/api/replay", { action: "seek", positionMs: at }, "t-JPN-KIMITSU");
    for (const token of ["t-JPN-KIMITSU", "t-USA-TS", "t-KOR-I"]) {
      const body = (await get("/api/events", token)).json();
      expect(body.positionMs).toBe(at);
      for (const e of eventsIn(body)) expect(e.t).toBeLessThanOrEqual(at);
    }
    expect((await get("/api/warnings", "t-JPN-KIMITSU")).json().warnings).toEqual([]);
    expect((await get("/api/tracks/JSDF-001", "t-JPN-KIMITSU")).json().history).toHaveLength(1);
    await post("/api/replay", { action: "seek", positionMs: endMs }, "t-JPN-KIMITSU");
    expect((await get("/api/tracks/JSDF-001", "t-JPN-KIMITSU")).json().history).toHaveLength(2);
  });

  it("plays at the chosen speed on the wall clock, and pauses", async () => {
    await post("/api/replay", { action: "seek", positionMs: startMs }, "t-USA-C");
    await post("/api/replay", { action: "speed", speed: 10 }, "t-USA-C");
    const played = (await post("/api/replay", { action: "play" }, "t-USA-C")).json();
    expect(played.playing).toBe(true);
    server.wall.now += 2_000;
    expect((await get("/api/replay", "t-USA-C")).json().positionMs).toBe(startMs + 20_000);
    await post("/api/replay", { action: "pause" }, "t-USA-C");
    server.wall.now += 5_000;
    expect((await get("/api/replay", "t-USA-C")).json().positionMs).toBe(startMs + 20_000);
  });

  it("loops at the end", async () => {
    await post("/api/replay", { action: "seek", positionMs: endMs - 1_000 }, "t-USA-C");
    await post("/api/replay", { action: "speed", speed: 1 }, "t-USA-C");
    const before = (await post("/api/replay", { action: "play" }, "t-USA-C")).json();
    server.wall.now += 3_000;
    const after = (await get("/api/replay", "t-USA-C")).json();
    expect(after.positionMs).toBe(startMs + 2_000);
    expect(after.epoch).toBe(before.epoch + 1);
    await post("/api/replay", { action: "pause" }, "t-USA-C");
    await post("/api/replay", { action: "seek", positionMs: endMs }, "t-USA-C");
  });

  it("rejects bad commands naming the field", async () => {
    const res = await post("/api/replay", { action: "speed", speed: 0 }, "t-USA-C");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^body\.speed/);
    expect((await post("/api/replay", { action: "rewind" }, "t-USA-C")).statusCode).toBe(400);
    expect((await post("/api/scenario", { scenarioId: "1999-01-01" }, "t-USA-C")).json().error.code).toBe(
      "UNKNOWN_SCENARIO",
    );
  });
});

describe("operations", () => {
  it("health needs no token and says whether the exercise is ready", async () => {
    const h = (await get("/api/health")).json();
    expect(h).toMatchObject({ status: "ok", scenario: "2022-10-04" });
  });

  it("metrics are Prometheus text with request counts and the auth failures", async () => {
    const res = await get("/metrics");
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^# HELP triwatch_http_requests_total/m);
    expect(res.body).toMatch(
      /^triwatch_http_requests_total\{method="GET",route="\/api\/events",status="200"\} \d+$/m,
    );
    expect(res.body).toMatch(/^triwatch_auth_failures_total\{reason="no-token"\} [1-9]\d*$/m);
    expect(res.body).toMatch(/^triwatch_exercise_events \d+$/m);
    for (const line of res.body.trim().split("\n"))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+-]+|\w+(\{[^}]*\})? \+Inf)$/);
  });

  it("unknown paths are JSON 404s", async () => {
    const res = await get("/api/nope", "t-USA-C");
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("NOT_FOUND");
  });
});

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 whose schemas compile as JSON Schema 2020-12 and documents every route", async () => {
    const doc = (await get("/api/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, Record<string, unknown>>>,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        documented.add(`${method.toUpperCase()} ${path}`);
        expect(typeof op.summary).toBe("string");
        for (const r of Object.values(
          op.responses as Record<string, { content?: Record<string, { schema: object }> }>,
        ))
          for (const c of Object.values(r.content ?? {}))
            if (!("$ref" in c.schema)) expect(() => ajv.compile(c.schema)).not.toThrow();
        for (const p of (op.parameters ?? []) as { name: string; in: string }[])
          if (p.in === "path") expect(path).toContain(`{${p.name}}`);
      }
    }
    ajv.compile(doc.components.schemas.Error);
    // Every route Fastify serves under /api (and /metrics) is in the document.
    const served = server.registered.filter((r) => r.method !== "HEAD" && /^\/(api|metrics)/.test(r.url));
    expect(served.length).toBeGreaterThan(15);
    for (const r of served) expect(documented).toContain(`${r.method} ${r.url.replace(/:(\w+)/g, "{$1}")}`);
    expect(documented).toContain("GET /api/stream");
  });

  it("a documented response schema rejects what the route would never send", async () => {
    const doc = (await get("/api/openapi.json")).json();
    const schema = doc.paths["/api/tracks"].get.responses["200"].content["application/json"].schema;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate((await get("/api/tracks", "t-JPN-KIMITSU")).json())).toBe(true);
    expect(validate({ positionMs: 0, tracks: [{ type: "warning" }] })).toBe(false);
  });
});
