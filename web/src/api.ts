/**
 * The web app's only link to Triwatch: the HTTP API and the WebSocket stream of src/server/, with the
 * operator's token. Types come from the model (type-only imports: nothing of the server is bundled).
 */
import type { CopEvent, CopSetup } from "../../src/model/cop.ts";

export type { CopEvent, CopSetup };

/** An operator as /api/me describes it. */
export interface Operator {
  id: string;
  name: string;
  party: string;
  clearance: string | null;
  clearanceRank: number;
  clearanceNative: string;
}

/** The replay clock. */
export interface ReplayState {
  positionMs: number;
  startMs: number;
  endMs: number;
  playing: boolean;
  speed: number;
  loop: boolean;
  epoch: number;
}

/** The session (what is replayed, preparation progress). */
export interface SessionState {
  status: "preparing" | "ready" | "failed";
  request: { scenarioId: string; seed?: number; variant?: string };
  progress: { phase: string; done: number; total: number } | null;
  error: string | null;
  showing: { scenarioId: string; variant: string } | null;
  replay: ReplayState | null;
}

/** An agreement's status row. */
export interface AgreementRow {
  id: string;
  title: string;
  status: string;
  operative: boolean | null;
  since: string | null;
  detail: string;
}

/** Messages of the stream. */
export type StreamMessage =
  | { type: "hello"; operator: Operator; session: SessionState }
  | { type: "snapshot"; replay: ReplayState; scenarioId: string; events: CopEvent[] }
  | { type: "event"; event: CopEvent }
  | { type: "replay"; replay: ReplayState }
  | { type: "session"; session: SessionState };

/** An API failure with the server's code. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A client for one token. */
export class Api {
  constructor(readonly token: string) {}

  async #call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) {
      const err = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      throw new ApiFailure(res.status, err.error?.code ?? "HTTP", err.error?.message ?? res.statusText);
    }
    return (await res.json()) as T;
  }

  me(): Promise<Operator> {
    return this.#call("GET", "/api/me");
  }
  setup(): Promise<{ positionMs: number; setup: CopSetup }> {
    return this.#call("GET", "/api/setup");
  }
  agreements(at: number): Promise<{ at: number; source: string; agreements: AgreementRow[] }> {
    return this.#call("GET", `/api/agreements?at=${Math.round(at)}`);
  }
  scenarios(): Promise<{ scenarios: { id: string; title: string }[] }> {
    return this.#call("GET", "/api/scenarios");
  }
  session(): Promise<SessionState> {
    return this.#call("GET", "/api/session");
  }
  replay(
    command:
      | { action: "play" }
      | { action: "pause" }
      | { action: "speed"; speed: number }
      | { action: "seek"; positionMs: number },
  ): Promise<ReplayState> {
    return this.#call("POST", "/api/replay", command);
  }
  chooseScenario(scenarioId: string): Promise<SessionState> {
    return this.#call("POST", "/api/scenario", { scenarioId });
  }

  /** Opens the stream; reconnects after a drop (not after a refusal) until `close` is called. */
  stream(onMessage: (m: StreamMessage) => void, onRefused: () => void): { close(): void } {
    let closed = false;
    let ws: WebSocket | undefined;
    const open = () => {
      const proto = location.protocol === "https:" ? "wss:" : "ws:";
      ws = new WebSocket(`${proto}//${location.host}/api/stream?token=${encodeURIComponent(this.token)}`);
      ws.onmessage = (ev) => onMessage(JSON.parse(String(ev.data)) as StreamMessage);
      ws.onclose = (ev) => {
        if (closed) return;
        if (ev.code === 4401) onRefused();
        else setTimeout(open, 1000);
      };
    };
    open();
    return {
      close() {
        closed = true;
        ws?.close();
      },
    };
  }
}

/** Demo logins the server publishes (empty unless the operators file allows it). */
export async function publishedLogins(): Promise<{ token: string; operator: Operator }[]> {
  const res = await fetch("/api/logins");
  if (!res.ok) return [];
  return ((await res.json()) as { logins: { token: string; operator: Operator }[] }).logins;
}
