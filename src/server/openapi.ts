/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (z.toJSONSchema, JSON
 * Schema 2020-12, which OpenAPI 3.1 uses as is).
 */
import { z } from "zod";
import type { AnyRoute } from "./routes.ts";
import { ErrorBody, StreamMessage } from "./schemas.ts";

function schemaOf(s: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const j = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;
  delete j.$schema;
  return j;
}

function parametersOf(s: z.ZodType | undefined, where: "query" | "path"): unknown[] {
  if (!s) return [];
  const j = schemaOf(s, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(j.properties ?? {}).map(([name, schema]) => ({
    name,
    in: where,
    required: where === "path" || (j.required ?? []).includes(name),
    schema,
    ...((schema as { description?: string }).description
      ? { description: (schema as { description: string }).description }
      : {}),
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/** The document for a set of routes. */
export function openApiDocument(routes: readonly AnyRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, "{$1}");
    const ok = String(r.status ?? 200);
    const contentType = r.contentType ?? "application/json";
    const op: Record<string, unknown> = {
      operationId: `${r.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ? c.toUpperCase() : ""))}`,
      summary: r.summary,
      tags: [r.tag],
      security: r.public ? [] : [{ bearer: [] }],
      parameters: [...parametersOf(r.params, "path"), ...parametersOf(r.query, "query")],
      responses: {
        [ok]: { description: "OK", content: { [contentType]: { schema: schemaOf(r.response, "output") } } },
        ...(r.query || r.params || r.body ? { "400": errorResponse("Bad request (names the field)") } : {}),
        ...(r.public ? {} : { "401": errorResponse("Missing or unknown token") }),
        ...(r.public ? {} : { "503": errorResponse("The exercise is still being prepared") }),
      },
    };
    if (r.body)
      op.requestBody = {
        required: true,
        content: { "application/json": { schema: schemaOf(r.body, "input") } },
      };
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: op };
  }
  paths["/api/stream"] = {
    get: {
      operationId: "getApiStream",
      summary:
        "WebSocket stream: a snapshot of what the operator may see, then each event as the replay clock reaches it, the replay state every second, and a new snapshot after a seek, a loop or a new scenario. Authenticate with ?token= (browsers cannot set headers on a WebSocket) or a bearer header.",
      tags: ["picture"],
      security: [{ bearer: [] }, { token: [] }],
      parameters: [{ name: "token", in: "query", required: false, schema: { type: "string" } }],
      responses: {
        "101": {
          description: "Switching to WebSocket; each text frame is one JSON message",
          content: { "application/json": { schema: schemaOf(StreamMessage, "output") } },
        },
        "401": errorResponse("Missing or unknown token"),
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Triwatch COP API",
      version,
      description:
        "The common operating picture of a replayed exercise, as one operator of one nation with one clearance may see it: only events held by that nation's nodes (or public), marked at or below the clearance, up to the replay clock.",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A token from config/operators.yaml" },
        token: {
          type: "apiKey",
          in: "query",
          name: "token",
          description: "The same token, for the WebSocket",
        },
      },
      schemas: { Error: schemaOf(ErrorBody, "output") },
    },
    paths,
  };
}
