/**
 * The live stream: each connected operator gets a snapshot of what they may see, then every event as the
 * replay clock reaches it (through the same `maySee` rule as the HTTP API), the replay state about once
 * a second, and a fresh snapshot when the replay is sought, loops, or another exercise becomes current.
 */
import type { CopEvent } from "../model/cop.ts";
import type { Operator } from "./auth.ts";
import { sessionBody } from "./routes.ts";
import type { StreamMessage } from "./schemas.ts";
import type { CopExercise, CopSession } from "./session.ts";
import { eventsUpTo, maySee, OperatorView } from "./view.ts";

/** A connected client, as the hub sees it. */
export interface StreamClient {
  operator: Operator;
  send(message: StreamMessage): void;
}

interface ClientState {
  client: StreamClient;
  exercise: CopExercise | undefined;
  epoch: number;
  /** Index into the timeline of the first event not yet considered. */
  next: number;
  lastReplayAt: number;
}

/** Pushes events to clients as the replay clock advances. */
export class StreamHub {
  readonly #clients = new Set<ClientState>();
  readonly #session: CopSession;
  readonly #wall: () => number;
  #timer: NodeJS.Timeout | undefined;
  /** Events pushed (for metrics). */
  eventsSent = 0;

  constructor(session: CopSession, wall: () => number) {
    this.#session = session;
    this.#wall = wall;
  }

  /** Number of connected clients. */
  get size(): number {
    return this.#clients.size;
  }

  /** Starts ticking every `intervalMs`. */
  start(intervalMs = 100): void {
    this.#timer ??= setInterval(() => this.tick(), intervalMs);
    this.#timer.unref();
  }

  /** Stops ticking. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Adds a client and sends it a hello and, when an exercise is ready, a snapshot. */
  add(client: StreamClient): () => void {
    const state: ClientState = { client, exercise: undefined, epoch: -1, next: 0, lastReplayAt: 0 };
    this.#clients.add(state);
    client.send({ type: "hello", operator: client.operator, session: sessionBody(this.#session) });
    this.#update(state);
    return () => this.#clients.delete(state);
  }

  /** Tells every client about the session (preparation progress, a new scenario). */
  broadcastSession(): void {
    const session = sessionBody(this.#session);
    for (const s of this.#clients) s.client.send({ type: "session", session });
  }

  /** Sends what is due to every client. */
  tick(): void {
    for (const s of this.#clients) this.#update(s);
  }

  #update(s: ClientState): void {
    const current = this.#session.current;
    if (!current) return;
    const { exercise, clock } = current;
    const replay = clock.state();
    const events = exercise.timeline.events;
    if (s.exercise !== exercise || s.epoch !== replay.epoch) {
      const view = new OperatorView(s.client.operator, exercise, replay.positionMs);
      s.exercise = exercise;
      s.epoch = replay.epoch;
      s.next = eventsUpTo(events, replay.positionMs);
      s.lastReplayAt = this.#wall();
      const visible = view.events();
      this.eventsSent += visible.length;
      s.client.send({
        type: "snapshot",
        replay,
        scenarioId: exercise.timeline.setup.scenario.id,
        events: visible,
      });
      return;
    }
    const end = eventsUpTo(events, replay.positionMs);
    for (; s.next < end; s.next++) {
      const e = events[s.next] as CopEvent;
      if (!maySee(s.client.operator, e)) continue;
      this.eventsSent++;
      s.client.send({ type: "event", event: e });
    }
    if (this.#wall() - s.lastReplayAt >= 1000) {
      s.lastReplayAt = this.#wall();
      s.client.send({ type: "replay", replay });
    }
  }
}
