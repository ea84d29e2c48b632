/**
 * The COP server: one Fastify instance with the API (routes.ts), the WebSocket stream, Prometheus
 * metrics, the OpenAPI document, and the built web app. Requests are parsed with zod at the edge;
 * expected failures (ApiError) and parse errors become JSON error bodies here and only here, and
 * anything unexpected is logged and answered 500 without internals.
 */
import { existsSync } from "node:fs";
import fastifyStatic from "@fastify/static";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { z } from "zod";
import { type Authenticator, bearerToken, type Operator } from "./auth.ts";
import { Counter, Gauge, Histogram, MetricsRegistry } from "./metrics.ts";
import { openApiDocument } from "./openapi.ts";
import { ApiError, ROUTES, type RouteDeps } from "./routes.ts";
import type { AgreementStatusBody, ScenarioRequest } from "./schemas.ts";
import { CopSession, type ExerciseRequest, type ExerciseRunner } from "./session.ts";
import { StreamHub } from "./stream.ts";
import { WhatIfJobs, type WhatIfRunner } from "./whatif.ts";

/** Options of the server. */
export interface ServerOptions {
  authenticator: Authenticator;
  runner: ExerciseRunner;
  /** Runs the exercises of a what-if comparison (runExercise); without it, POST /api/whatif is 501. */
  whatifRunner?: WhatIfRunner;
  initial: ExerciseRequest;
  scenarios: { id: string; title: string }[];
  speed?: number;
  loop?: boolean;
  /** Wall clock (Date.now unless a test drives it). */
  wall?: () => number;
  /** Agreement statuses at a time under a variant (undefined for a variant it does not know). */
  agreementsAt?: (variantId: string, ms: number) => z.infer<typeof AgreementStatusBody>[] | undefined;
  /** The built web app (web/dist); when absent, `/` says how to build it. */
  webDist?: string;
  /** Folder of the basemap GeoJSON (geodata/), served under /basemap/. */
  basemapDir?: string;
  /** Fastify logger options (false: quiet, the default in tests). */
  logger?: boolean | { level: string };
  /** Stream tick in ms (default 100). */
  streamTickMs?: number;
  version?: string;
}

/** A built server: Fastify plus its session (prepare the first exercise with `session.prepare`). */
export interface CopServer {
  app: FastifyInstance;
  session: CopSession;
  hub: StreamHub;
  whatif: WhatIfJobs;
  /** Every route Fastify registered (method, url), for checking the OpenAPI document against. */
  registered: { method: string; url: string }[];
  /** Prepares the initial exercise (resolves when ready). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  if (status === 401) reply.header("www-authenticate", 'Bearer realm="triwatch"');
  return reply.code(status).type("application/json").send({ error: { code, message } });
}

function zodMessage(where: string, e: z.ZodError): string {
  const first = e.issues[0];
  const path = first?.path.length ? `${where}.${first.path.join(".")}` : where;
  return `${path}: ${first?.message ?? "invalid"}`;
}

/** Builds the server (not yet listening, no exercise yet). */
export async function buildServer(o: ServerOptions): Promise<CopServer> {
  const wall = o.wall ?? Date.now;
  const startedAt = wall();
  let hub: StreamHub | undefined;
  const session = new CopSession(
    {
      runner: o.runner,
      wall,
      speed: o.speed ?? 1,
      loop: o.loop ?? true,
      onChange: () => hub?.broadcastSession(),
      onProgress: () => hub?.broadcastSession(),
    },
    o.initial,
  );
  hub = new StreamHub(session, wall);
  const app = Fastify({ logger: o.logger ?? false });

  const registered: { method: string; url: string }[] = [];
  app.addHook("onRoute", (r) => {
    for (const method of [r.method].flat()) registered.push({ method, url: r.url });
  });

  const metrics = new MetricsRegistry();
  const requests = metrics.add(
    new Counter("triwatch_http_requests_total", "HTTP requests by route and status"),
  );
  const duration = metrics.add(
    new Histogram("triwatch_http_request_duration_seconds", "HTTP request duration by route"),
  );
  const authFailures = metrics.add(
    new Counter("triwatch_auth_failures_total", "Requests refused for no or a bad token"),
  );
  const streamHub = hub;
  metrics.add(
    new Gauge("triwatch_stream_clients", "Connected WebSocket clients", () => [{ value: streamHub.size }]),
  );
  metrics.add(
    new Gauge(
      "triwatch_stream_events_sent_total",
      "Events pushed on the stream",
      () => [{ value: streamHub.eventsSent }],
      "counter",
    ),
  );
  metrics.add(
    new Gauge("triwatch_exercise_events", "Events in the current exercise's timeline", () => [
      { value: session.current?.exercise.timeline.events.length ?? 0 },
    ]),
  );
  metrics.add(
    new Gauge("triwatch_replay_position_seconds", "Replay clock, seconds since the exercise start", () => {
      const c = session.current;
      return c ? [{ value: (c.clock.position() - c.clock.state().startMs) / 1000 }] : [];
    }),
  );
  metrics.add(
    new Gauge("triwatch_exercise_ready", "1 when an exercise is ready", () => [
      { value: session.current ? 1 : 0 },
    ]),
  );

  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ route }, reply.elapsedTime / 1000);
  });

  const openapi = openApiDocument(ROUTES, o.version ?? "0.1.0");
  const whatif = new WhatIfJobs(o.whatifRunner, wall);
  const deps: RouteDeps = {
    session,
    scenarios: o.scenarios,
    startedAt,
    wall,
    logins: () => o.authenticator.publishedLogins(),
    ...(o.agreementsAt ? { agreementsAt: o.agreementsAt } : {}),
    metricsText: () => metrics.render(),
    openapi: () => openapi,
    whatif,
    prepare: (request: z.infer<typeof ScenarioRequest>) => {
      const req: ExerciseRequest = { scenarioId: request.scenarioId };
      if (request.seed !== undefined) req.seed = request.seed;
      if (request.variant !== undefined) req.variant = request.variant;
      session.prepare(req).catch((e) => app.log.error({ err: e }, "exercise failed"));
      hub?.broadcastSession();
    },
  };

  /** The operator of a request, or undefined (the route decides whether that is allowed). */
  const operatorOf = (req: FastifyRequest): Operator | undefined => {
    const token = bearerToken(req.headers.authorization);
    return token === undefined ? undefined : o.authenticator.authenticate(token);
  };

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ApiError) return sendError(reply, err.status, err.code, err.message);
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500)
      return sendError(reply, status, "BAD_REQUEST", (err as Error).message);
    req.log.error({ err }, "unexpected failure");
    return sendError(reply, 500, "INTERNAL", "internal error");
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, "NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`),
  );

  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });

  for (const r of ROUTES) {
    app.route({
      method: r.method,
      url: r.url,
      handler: async (req, reply) => {
        const operator = operatorOf(req);
        if (!r.public && !operator) {
          authFailures.inc({ reason: req.headers.authorization ? "bad-token" : "no-token" });
          return sendError(
            reply,
            401,
            "UNAUTHENTICATED",
            req.headers.authorization ? "unknown token" : "a bearer token is required",
          );
        }
        const parse = (where: string, schema: z.ZodType | undefined, value: unknown) => {
          if (!schema) return undefined;
          const p = schema.safeParse(value ?? {});
          if (!p.success) throw new ApiError(400, "BAD_REQUEST", zodMessage(where, p.error));
          return p.data;
        };
        const result = await r.handler({
          operator,
          query: parse("query", r.query, req.query),
          params: parse("params", r.params, req.params),
          body: parse("body", r.body, req.body),
          deps,
        });
        reply.code(r.status ?? 200);
        if (r.contentType) reply.type(r.contentType);
        return result;
      },
    });
  }

  app.get("/api/stream", { websocket: true }, (socket, req) => {
    const q = z.object({ token: z.string().optional() }).safeParse(req.query);
    const token = (q.success ? q.data.token : undefined) ?? bearerToken(req.headers.authorization);
    const operator = token === undefined ? undefined : o.authenticator.authenticate(token);
    if (!operator) {
      authFailures.inc({ reason: token ? "bad-token" : "no-token" });
      // 4401: the WebSocket analogue of 401 (the upgrade has happened by now).
      socket.close(4401, "unauthenticated");
      return;
    }
    const remove = streamHub.add({
      operator,
      send: (m) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
      },
    });
    socket.on("close", remove);
    socket.on("message", () => {
      // The stream is one-way; control goes through POST /api/replay.
    });
  });

  if (o.basemapDir && existsSync(o.basemapDir)) {
    await app.register(fastifyStatic, {
      root: o.basemapDir,
      prefix: "/basemap/",
      decorateReply: false,
      allowedPath: (path) => /^\/[a-z0-9_]+\.geojson$/.test(path),
      maxAge: 3600_000,
    });
  }
  if (o.webDist && existsSync(o.webDist)) {
    await app.register(fastifyStatic, { root: o.webDist, prefix: "/", wildcard: true });
  } else {
    app.get("/", (_req, reply) =>
      reply
        .code(503)
        .type("text/plain")
        .send("The web app is not built: run `npm run build:web` (npm start does it), then reload.\n"),
    );
  }

  hub.start(o.streamTickMs ?? 100);
  return {
    app,
    session,
    hub,
    whatif,
    registered,
    ready: () => session.prepare(o.initial),
    close: async () => {
      streamHub.stop();
      whatif.close();
      await app.close();
      await session.close();
    },
  };
}
