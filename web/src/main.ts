/**
 * The COP web app: sign in as a demo operator (or with a token), then the map, the panels and the
 * replay controls for that operator's nation, fed by the WebSocket stream. Switching perspective signs in
 * as the published operator of another nation (the highest clearance the file offers).
 */
import type * as maplibregl from "maplibre-gl";
import {
  type AgreementRow,
  Api,
  type CopEvent,
  type CopSetup,
  type Operator,
  publishedLogins,
  type ReplayState,
  type SessionState,
  type StreamMessage,
} from "./api.ts";
import { createMap, drawOverlay, fitView, PARTY_COLOUR } from "./map.ts";
import { overlay, type Picture, picture } from "./picture.ts";
import "./style.css";
import { mountWhatIf } from "./whatif.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const TOKEN_KEY = "triwatch.token";

interface State {
  api: Api;
  operator: Operator;
  setup?: CopSetup;
  events: CopEvent[];
  replay?: ReplayState;
  replayAt: number;
  session?: SessionState;
  agreements: AgreementRow[];
  agreementsAt: number;
  stream?: { close(): void };
}

let state: State | undefined;
let map: maplibregl.Map | undefined;
let logins: { token: string; operator: Operator }[] = [];
let renderQueued = false;
/** Whether the view should fit the tracks when they next appear (after sign-in or a snapshot). */
let fitPending = true;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  cls?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

const utc = (ms: number) => new Date(ms).toISOString().slice(11, 19);
function sinceLaunch(ms: number): string {
  const t0 = state?.setup?.scenario.launches[0]?.time ?? state?.replay?.startMs ?? ms;
  const s = Math.round((ms - t0) / 1000);
  const a = Math.abs(s);
  return `T${s < 0 ? "−" : "+"}${Math.floor(a / 60)}:${String(a % 60).padStart(2, "0")}`;
}

/** The replay position now, interpolated between the server's once-a-second updates. */
function position(): number {
  const r = state?.replay;
  if (!r) return 0;
  if (!r.playing) return r.positionMs;
  return Math.min(r.endMs, r.positionMs + (performance.now() - (state?.replayAt ?? 0)) * r.speed);
}

// ---- sign-in ---------------------------------------------------------------------------------------

async function showLogin(message = ""): Promise<void> {
  state?.stream?.close();
  state = undefined;
  $("app").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message;
  logins = await publishedLogins();
  const box = $("login-choices");
  box.replaceChildren();
  for (const l of logins) {
    const b = el(
      "button",
      `${l.operator.name} — ${l.operator.party}, ${l.operator.clearanceNative}`,
      "login-choice",
    );
    b.type = "button";
    b.dataset.token = l.token;
    b.addEventListener("click", () => void signIn(l.token));
    box.append(b);
  }
  if (logins.length === 0) box.append(el("p", "This server publishes no demo operators: paste a token."));
}

async function signIn(token: string): Promise<void> {
  const api = new Api(token);
  let operator: Operator;
  try {
    operator = await api.me();
  } catch {
    sessionStorage.removeItem(TOKEN_KEY);
    await showLogin("That token was refused.");
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  state?.stream?.close();
  state = {
    api,
    operator,
    events: [],
    replayAt: performance.now(),
    agreements: [],
    agreementsAt: Number.NaN,
  };
  render();
  $("login").hidden = true;
  $("app").hidden = false;
  document.body.dataset.party = operator.party;
  $("operator").textContent = `${operator.name} · ${operator.party} · ${operator.clearanceNative}`;
  fillPerspectives();
  if (!logins.length) logins = await publishedLogins();
  fillPerspectives();
  map ??= await createMap($("map"));
  $("map").dataset.ready = "true";
  void loadScenarios().then(showSession);
  const s = state;
  s.stream = api.stream(
    (m) => onMessage(s, m),
    () => void showLogin("The server refused the token."),
  );
}

function fillPerspectives(): void {
  const sel = $<HTMLSelectElement>("perspective");
  sel.replaceChildren();
  const best = new Map<string, { token: string; operator: Operator }>();
  for (const l of logins) {
    const b = best.get(l.operator.party);
    if (!b || b.operator.clearanceRank < l.operator.clearanceRank) best.set(l.operator.party, l);
  }
  const op = state?.operator;
  if (op && !best.has(op.party)) best.set(op.party, { token: state?.api.token ?? "", operator: op });
  for (const [party, l] of [...best].sort()) {
    const o = el("option", `${party} (${l.operator.clearanceNative})`);
    o.value = party;
    o.dataset.token = l.token;
    o.selected = party === op?.party;
    sel.append(o);
  }
}

// ---- stream ------------------------------------------------------------------------------------------

function onMessage(s: State, m: StreamMessage): void {
  if (state !== s) return;
  if (m.type === "hello" || m.type === "session") {
    s.session = m.session;
    showSession();
    return;
  }
  if (m.type === "snapshot") {
    s.events = m.events;
    s.agreementsAt = Number.NaN;
    fitPending = true;
    setReplay(s, m.replay);
    void s.api.setup().then((r) => {
      s.setup = r.setup;
      $("scenario-title").textContent = `— ${r.setup.scenario.title} (${r.setup.variant.id})`;
      renderSensors();
      queueRender();
    });
    queueRender();
    return;
  }
  if (m.type === "event") {
    s.events.push(m.event);
    queueRender();
    return;
  }
  setReplay(s, m.replay);
}

function setReplay(s: State, r: ReplayState): void {
  s.replay = r;
  s.replayAt = performance.now();
  const seek = $<HTMLInputElement>("seek");
  seek.min = String(r.startMs);
  seek.max = String(r.endMs);
  const play = $("play");
  play.textContent = r.playing ? "⏸" : "▶";
  play.setAttribute("aria-label", r.playing ? "Pause" : "Play");
  $<HTMLSelectElement>("speed").value = String(r.speed);
  const speed = $<HTMLSelectElement>("speed");
  if (speed.value !== String(r.speed)) {
    const o = el("option", `${r.speed}×`);
    o.value = String(r.speed);
    speed.append(o);
    speed.value = String(r.speed);
  }
}

function showSession(): void {
  const s = state?.session;
  const status = $("status");
  if (!s) return;
  const shown = s.showing?.scenarioId ?? s.request.scenarioId;
  const sel = $<HTMLSelectElement>("scenario");
  if (document.activeElement !== sel && [...sel.options].some((o) => o.value === shown)) sel.value = shown;
  if (s.status === "preparing" && s.progress)
    status.textContent = `Preparing ${s.request.scenarioId}: ${s.progress.phase} ${s.progress.done}/${s.progress.total}`;
  else if (s.status === "failed") status.textContent = `Exercise failed: ${s.error ?? ""}`;
  else status.textContent = s.showing ? `Replaying ${s.showing.scenarioId} (${s.showing.variant})` : "";
}

// ---- rendering ---------------------------------------------------------------------------------------

function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => {
    renderQueued = false;
    render();
  }, 200);
}

function render(): void {
  const s = state;
  if (!s) return;
  const p = picture(s.events);
  if (map) {
    const o = overlay(p, s.setup);
    drawOverlay(map, o);
    $("map").dataset.tracks = String(o.trajectories.features.length);
    if (fitPending && o.trajectories.features.length > 0) {
      fitPending = false;
      fitView(map, o);
    }
    $("map").dataset.warnings = String(p.warnings.length);
  }
  renderMarks(p);
  renderTracks(p);
  renderWarnings(p);
  renderLog(p);
  renderAudit(p);
  const banner = $("banner");
  const top = s.events.reduce((m, e) => (e.marking.rank > m.rank ? e.marking : m), {
    rank: 0,
    banner: "UNCLASSIFIED",
  } as { rank: number; banner: string });
  banner.textContent = `Highest marking shown: ${top.banner}`;
  banner.dataset.rank = String(top.rank);
}

/** Tick marks on the timeline: launches and the warnings seen so far. */
let marksKey = "";
function renderMarks(p: Picture): void {
  const times = [
    ...(state?.setup?.scenario.launches.map((l) => l.time) ?? []),
    ...p.warnings.map((w) => w.t),
  ];
  const key = times.join(",");
  if (key === marksKey) return;
  marksKey = key;
  $("marks").replaceChildren(
    ...times.map((t) => {
      const o = el("option");
      o.value = String(t);
      return o;
    }),
  );
}

function renderTracks(p: Picture): void {
  const list = $("tracks");
  list.replaceChildren();
  const rows = [
    ...p.fused.map((f) => ({
      t: f.t,
      text: `${f.node}: fused ${f.fusedId} from ${f.contributors.map((c) => `${c.party}/${c.trackId}`).join(", ")}`,
      party: f.holder,
      marking: f.marking.banner,
    })),
    ...p.tracks.map((t) => ({
      t: t.t,
      text: `${t.node}: ${t.own ? "own" : `from ${t.origin.party} via ${t.path.slice(1, -1).join(" → ") || "direct"}`} ${t.report.trackId} · ${t.report.missileClass}${t.stale ? " · STALE" : ""} · impact ${t.report.impact.lat.toFixed(1)}°N ${t.report.impact.lon.toFixed(1)}°E ±${Math.round(t.report.impact.ellipse95.semiMajorM / 1000)} km`,
      party: t.origin.party,
      marking: t.marking.banner,
    })),
  ];
  if (rows.length === 0) list.append(el("li", "No track held yet.", "muted"));
  for (const r of rows.sort((a, b) => b.t - a.t)) {
    const li = el("li");
    li.append(
      el("span", sinceLaunch(r.t), "time"),
      el("span", r.party, `party party-${r.party}`),
      el("span", ` ${r.text} `),
      el("span", r.marking, "marking"),
    );
    li.dataset.track = "1";
    list.append(li);
  }
}

function renderWarnings(p: Picture): void {
  const lang = $<HTMLSelectElement>("lang").value;
  const list = $("warnings");
  list.replaceChildren();
  if (p.warnings.length === 0) list.append(el("li", "No warning issued yet.", "muted"));
  for (const w of [...p.warnings].reverse()) {
    const li = el("li", undefined, "warning");
    const head = w.headlines[lang] ?? w.headlines.en ?? Object.values(w.headlines)[0] ?? "";
    li.append(
      el("span", sinceLaunch(w.t), "time"),
      el("strong", ` ${w.issuer} ${w.kind} (${w.msgType}) `, "warning-title"),
    );
    const text = el("p", head);
    text.lang = lang in w.headlines ? lang : "en";
    li.append(text, el("p", w.areas.map((a) => a.description).join(", "), "muted"));
    const cap = el("a", "CAP 1.2");
    cap.href = "#";
    cap.addEventListener("click", (ev) => {
      ev.preventDefault();
      void openCap(w.alertId);
    });
    li.append(cap);
    list.append(li);
  }
}

async function openCap(alertId: string): Promise<void> {
  const s = state;
  if (!s) return;
  const res = await fetch(`/api/warnings/${encodeURIComponent(alertId)}/cap`, {
    headers: { authorization: `Bearer ${s.api.token}` },
  });
  const blob = new Blob([await res.text()], { type: "application/xml" });
  window.open(URL.createObjectURL(blob), "_blank", "noopener");
}

function renderLog(p: Picture): void {
  const denialsOnly = $<HTMLInputElement>("log-denials").checked;
  const list = $("log");
  list.replaceChildren();
  const rows = p.log
    .filter((e) => !denialsOnly || (e.type === "decision" && !e.permitted))
    .slice(-200)
    .reverse();
  if (rows.length === 0) list.append(el("li", "Nothing yet.", "muted"));
  for (const e of rows) {
    const li = el("li");
    li.append(el("span", sinceLaunch(e.t), "time"));
    if (e.type === "detection") {
      li.append(el("span", ` ${e.node}: first detection by ${e.sensorId} (${e.sensorKind})`));
    } else {
      li.className = e.permitted ? "permit" : "deny";
      li.append(
        el("strong", ` ${e.action} ${e.permitted ? "permitted" : "denied"} `),
        el(
          "span",
          `${e.from} → ${e.to} · ${e.itemKind} ${e.itemId}${e.agreement ? ` · ${e.agreement}` : ""}${e.route.length ? ` · route ${e.route.join("→")}` : ""}`,
        ),
      );
      const reasons = el("ul", undefined, "reasons");
      for (const r of e.reasons) reasons.append(el("li", r));
      li.append(reasons);
    }
    li.append(el("span", e.marking.banner, "marking"));
    list.append(li);
  }
}

function renderAudit(p: Picture): void {
  const body = $("audit").querySelector("tbody") as HTMLElement;
  body.replaceChildren();
  for (const h of p.audit) {
    const tr = el("tr");
    const root = el("td", `${h.rootHex.slice(0, 16)}…`, "mono");
    root.title = h.rootHex;
    tr.append(el("td", h.node), el("td", String(h.size)), root);
    body.append(tr);
  }
}

function renderSensors(): void {
  const list = $("sensors");
  list.replaceChildren();
  for (const s of state?.setup?.sensors ?? [])
    list.append(el("li", `${s.name} (${s.kind}${s.maxRangeKm ? `, ${s.maxRangeKm} km` : ""}) at ${s.node}`));
}

async function refreshAgreements(): Promise<void> {
  const s = state;
  if (!s?.replay) return;
  const at = position();
  if (Math.abs(at - s.agreementsAt) < 30_000) return;
  s.agreementsAt = at;
  const r = await s.api.agreements(at).catch(() => undefined);
  if (!r || state !== s) return;
  const body = $("agreements").querySelector("tbody") as HTMLElement;
  body.replaceChildren();
  for (const a of r.agreements) {
    const tr = el("tr", undefined, a.operative === false ? "inoperative" : "");
    const name = el("td", a.id);
    name.title = a.title;
    const status = el("td", a.status);
    status.title = a.detail + (a.since ? ` (since ${a.since})` : "");
    tr.append(name, status);
    body.append(tr);
  }
}

async function loadScenarios(): Promise<void> {
  const s = state;
  if (!s) return;
  const r = await s.api.scenarios().catch(() => ({ scenarios: [] }));
  const sel = $<HTMLSelectElement>("scenario");
  sel.replaceChildren();
  for (const sc of r.scenarios) {
    const o = el("option", sc.id);
    o.value = sc.id;
    o.title = sc.title;
    sel.append(o);
  }
}

// ---- controls ----------------------------------------------------------------------------------------

function wireControls(): void {
  $("login-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void signIn($<HTMLInputElement>("login-token").value.trim());
  });
  $("logout").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    void showLogin();
  });
  $("perspective").addEventListener("change", () => {
    const o = $<HTMLSelectElement>("perspective").selectedOptions[0];
    if (o?.dataset.token) void signIn(o.dataset.token);
  });
  $("play").addEventListener("click", () => {
    const s = state;
    if (s?.replay)
      void s.api.replay({ action: s.replay.playing ? "pause" : "play" }).then((r) => setReplay(s, r));
  });
  $("speed").addEventListener("change", () => {
    const s = state;
    if (s)
      void s.api
        .replay({ action: "speed", speed: Number($<HTMLSelectElement>("speed").value) })
        .then((r) => setReplay(s, r));
  });
  $("seek").addEventListener("change", () => {
    const s = state;
    if (s) void s.api.replay({ action: "seek", positionMs: Number($<HTMLInputElement>("seek").value) });
  });
  $("run-scenario").addEventListener("click", () => {
    const s = state;
    if (s)
      void s.api.chooseScenario($<HTMLSelectElement>("scenario").value).then((x) => {
        s.session = x;
        showSession();
      });
  });
  $("lang").addEventListener("change", () => render());
  $("fit").addEventListener("click", () => {
    fitPending = true;
    render();
  });
  $("log-denials").addEventListener("change", () => render());
  document.addEventListener("keydown", (ev) => {
    // Space toggles play when focus is not on a control that uses it.
    const t = ev.target as HTMLElement;
    if (ev.key === " " && !["INPUT", "SELECT", "BUTTON", "TEXTAREA", "A"].includes(t.tagName) && state) {
      ev.preventDefault();
      $("play").click();
    }
  });
  setInterval(() => {
    if (!state?.replay) return;
    const p = position();
    const seek = $<HTMLInputElement>("seek");
    if (document.activeElement !== seek) seek.value = String(p);
    $("clock").textContent = `${utc(p)} UTC · ${sinceLaunch(p)}`;
    seek.setAttribute("aria-valuetext", `${utc(p)} UTC, ${sinceLaunch(p)}`);
    void refreshAgreements();
  }, 250);
}

for (const [party, colour] of Object.entries(PARTY_COLOUR))
  document.documentElement.style.setProperty(`--${party}`, colour);
wireControls();
mountWhatIf({ token: () => state?.api.token, scenario: () => state?.session?.showing?.scenarioId });
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) void signIn(saved);
else void showLogin();
