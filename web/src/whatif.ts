/**
 * The what-if panel: a dialog that starts a comparison of the scenario shown under several agreement
 * states (`POST /api/whatif`), follows its progress, and shows the result as the signed-in operator may
 * see it (`GET /api/whatif`, parsed with the server's zod schema): a table per variant of the operator's
 * nation (first detection, own track, shared track and from whom, warning, impact error at fixed times),
 * the other nations' public warnings, the summary, and the timeline and impact-error plots drawn by the
 * same code as the `triwatch whatif --html` report (src/exercise/whatif-html.ts).
 */

import type { NationOutcome, WhatIfComparison } from "../../src/exercise/whatif.ts";
import { renderWhatIfHtml } from "../../src/exercise/whatif-html.ts";
import {
  type WhatIfOperatorResult,
  type WhatIfRequest,
  WhatIfStateBody,
} from "../../src/server/whatif-schemas.ts";
import "./whatif.css";

/** What the panel needs of the app. */
export interface WhatIfHost {
  /** The signed-in operator's token, or undefined when signed out. */
  token(): string | undefined;
  /** The scenario the session shows (the comparison's subject). */
  scenario(): string | undefined;
}

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

const secs = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `+${x.toFixed(0)} s`);
const km = (x: number | null) => (x === null ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const shortPath = (path: readonly string[]) => path.map((n) => n.split("_")[0] ?? n).join("→");

async function call(token: string, method: "GET" | "POST", body?: WhatIfRequest): Promise<WhatIfStateBody> {
  const res = await fetch("/api/whatif", {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = json as { error?: { message?: string } };
    throw new Error(e.error?.message ?? `${res.status} ${res.statusText}`);
  }
  return WhatIfStateBody.parse(json);
}

/** Adds the "What-if…" button (in the replay bar) and its dialog. */
export function mountWhatIf(host: WhatIfHost): void {
  const open = el("button", "What-if…");
  open.type = "button";
  open.id = "whatif-open";
  open.setAttribute("aria-haspopup", "dialog");
  const bar = document.querySelector(".timeline");
  const status = document.getElementById("status");
  if (bar && status) bar.insertBefore(open, status);
  else document.body.append(open);

  const dialog = el("dialog", undefined, "whatif");
  dialog.id = "whatif";
  dialog.setAttribute("aria-labelledby", "whatif-title");
  const title = el("h2", "What-if analysis");
  title.id = "whatif-title";
  const intro = el(
    "p",
    "Replays the scenario shown once per agreement state — actual first, as the baseline — through all five national nodes, and compares them for your nation. Each variant takes tens of seconds to minutes; one comparison runs at a time on this server.",
    "muted",
  );

  const form = el("form");
  form.id = "whatif-form";
  const fieldset = el("fieldset");
  const legend = el("legend", "Variants");
  const choices = el("div", undefined, "whatif-choices");
  fieldset.append(legend, choices);

  const untilLabel = el("label", "End each run at (s after launch; empty: when the last detection arrives)");
  untilLabel.htmlFor = "whatif-until";
  const until = el("input");
  until.id = "whatif-until";
  until.type = "number";
  until.min = "1";
  until.max = "7200";
  until.step = "1";
  until.inputMode = "numeric";
  const shareLabel = el("label", "Share interval");
  shareLabel.htmlFor = "whatif-share";
  const share = el("select");
  share.id = "whatif-share";
  for (const [v, t] of [
    ["1", "1 s (as the whatif command)"],
    ["2", "2 s (about twice as fast)"],
  ] as const) {
    const o = el("option", t);
    o.value = v;
    share.append(o);
  }
  const run = el("button", "Run comparison");
  run.type = "submit";
  run.id = "whatif-run";
  const close = el("button", "Close");
  close.type = "button";
  close.id = "whatif-close";
  const options = el("div", undefined, "whatif-options");
  const u = el("div");
  u.append(untilLabel, until);
  const s = el("div");
  s.append(shareLabel, share);
  options.append(u, s);
  const buttons = el("div", undefined, "whatif-buttons");
  buttons.append(run, close);
  form.append(fieldset, options, buttons);

  const progressLabel = el("label", "Progress");
  progressLabel.htmlFor = "whatif-progress";
  const progress = el("progress");
  progress.id = "whatif-progress";
  progress.max = 1;
  progress.value = 0;
  const statusLine = el("p", "", "whatif-status");
  statusLine.id = "whatif-status";
  statusLine.setAttribute("role", "status");
  const progressBox = el("div", undefined, "whatif-progress");
  progressBox.append(progressLabel, progress, statusLine);

  const result = el("section", undefined, "whatif-result");
  result.id = "whatif-result";
  result.setAttribute("aria-label", "What-if result");

  dialog.append(title, intro, form, progressBox, result);
  document.body.append(dialog);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let shownKey = "";
  let filled = false;

  const fillChoices = (st: WhatIfStateBody) => {
    if (filled) return;
    filled = true;
    choices.replaceChildren();
    for (const v of st.variants) {
      const id = `whatif-v-${v.id}`;
      const box = el("input");
      box.type = "checkbox";
      box.id = id;
      box.name = "variant";
      box.value = v.id;
      const baseline = v.id === "actual";
      box.checked = baseline || st.defaults.variants.includes(v.id);
      box.disabled = baseline;
      const label = el("label");
      label.htmlFor = id;
      label.append(el("strong", v.id), ` — ${v.description}${baseline ? " (always run: the baseline)" : ""}`);
      const row = el("div", undefined, "whatif-choice");
      row.append(box, label);
      choices.append(row);
    }
  };

  const show = (st: WhatIfStateBody) => {
    fillChoices(st);
    const job = st.job;
    title.textContent = `What-if analysis: ${host.scenario() ?? "the scenario shown"}`;
    run.disabled = !st.available || job.status === "running";
    dialog.dataset.status = job.status;
    if (!st.available) {
      statusLine.textContent =
        "This server cannot run what-if comparisons (it was started without an exercise runner for them).";
      progress.value = 0;
      return;
    }
    if (job.status === "idle") {
      statusLine.textContent = "No comparison has been run on this server yet.";
      progress.value = 0;
    } else if (job.status === "running") {
      const p = job.progress;
      progress.value = p.fraction;
      progress.setAttribute("aria-valuetext", `${Math.round(p.fraction * 100)} %`);
      statusLine.textContent = `Running ${job.request.scenarioId}: variant ${p.index} of ${p.of} (${p.variant}), ${p.phase} — ${Math.round(p.fraction * 100)} %`;
      if (shownKey !== "") {
        shownKey = "";
        result.replaceChildren();
      }
    } else if (job.status === "failed") {
      progress.value = 0;
      statusLine.textContent = `The comparison of ${job.request.scenarioId} failed: ${job.error}`;
    } else {
      progress.value = 1;
      progress.setAttribute("aria-valuetext", "100 %");
      statusLine.textContent = `Done: ${job.request.scenarioId}, ${job.request.variants.join(", ")} (seed ${job.request.seed}, finished ${job.finishedAt.slice(11, 19)} UTC).`;
      const key = `${job.finishedAt}|${job.result.nation}|${job.result.clearance}`;
      if (key !== shownKey) {
        shownKey = key;
        renderResult(result, job.result);
      }
    }
  };

  const poll = async () => {
    timer = undefined;
    const token = host.token();
    if (!token || !dialog.open) return;
    try {
      const st = await call(token, "GET");
      show(st);
      if (st.job.status === "running") timer = setTimeout(() => void poll(), 1000);
    } catch (e) {
      statusLine.textContent = `Could not read the comparison: ${e instanceof Error ? e.message : String(e)}`;
      timer = setTimeout(() => void poll(), 3000);
    }
  };

  open.addEventListener("click", () => {
    dialog.showModal();
    void poll();
  });
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    open.focus();
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const token = host.token();
    if (!token) return;
    const variants = [...choices.querySelectorAll<HTMLInputElement>("input:checked:not(:disabled)")].map(
      (b) => b.value,
    );
    const untilS = until.value.trim() === "" ? undefined : Number(until.value);
    if (untilS !== undefined && !(untilS > 0)) {
      statusLine.textContent = "The end time must be a positive number of seconds, or empty.";
      until.focus();
      return;
    }
    const body: WhatIfRequest = {
      ...(variants.length > 0 ? { variants } : { variants: ["actual"] }),
      shareIntervalS: Number(share.value),
      ...(untilS === undefined ? {} : { untilS }),
    };
    run.disabled = true;
    statusLine.textContent = "Starting…";
    call(token, "POST", body)
      .then((st) => {
        show(st);
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void poll(), 1000);
      })
      .catch((e: unknown) => {
        run.disabled = false;
        statusLine.textContent = `Not started: ${e instanceof Error ? e.message : String(e)}`;
      });
  });
}

/** The result: scope, summary, the firsts table, public warnings of others, plots. */
function renderResult(box: HTMLElement, r: WhatIfOperatorResult): void {
  const c = r.comparison;
  const nation = c.variants[0]?.nations[0];
  const name = nation?.name ?? r.nation;
  const heading = el("h3", `${name}: ${c.scenario.id} — ${c.scenario.title}`);
  const scope = el("p", r.scope, "muted");
  scope.id = "whatif-scope";

  const summary = el("ul", undefined, "whatif-summary");
  for (const v of c.variants) for (const s of v.summary) summary.append(el("li", s));

  box.replaceChildren(heading, scope, el("h4", "Summary"), summary, firstsTable(c, name));
  const warnings = publicWarningsTable(r);
  if (warnings) box.append(warnings);
  box.append(plots(c, r.nation, name));
}

function firstsTable(c: WhatIfComparison, name: string): HTMLTableElement {
  const table = el("table", undefined, "table whatif-table");
  table.id = "whatif-table";
  const caption = el(
    "caption",
    `${name} under each variant (times after launch; impact-point error of the best estimate held, in km)`,
  );
  const head = el("tr");
  for (const h of [
    "Variant",
    "First detection",
    "First own track",
    "First shared track (from whom)",
    "First track from each partner",
    "First public warning",
    ...c.errorTimesS.map((s) => `Error at +${s} s`),
  ]) {
    const th = el("th", h);
    th.scope = "col";
    head.append(th);
  }
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  for (const v of c.variants)
    for (const n of v.nations) {
      const tr = el("tr");
      tr.dataset.variant = v.id;
      const th = el("th", v.id);
      th.scope = "row";
      th.title = v.description;
      tr.append(
        th,
        el("td", n.firstDetection ? `${secs(n.firstDetection.s)} (${n.firstDetection.sensorKind})` : "none"),
        el("td", n.firstOwnTrack ? `${secs(n.firstOwnTrack.s)} (${n.firstOwnTrack.node})` : "none"),
        el("td", sharedText(n)),
        el(
          "td",
          n.firstTrackFrom.map((f) => `${f.fromParty} ${secs(f.s)} (${shortPath(f.path)})`).join("; ") ||
            "none",
        ),
        el(
          "td",
          n.issuesWarnings
            ? n.firstWarning
              ? `${n.firstWarning.kind} ${secs(n.firstWarning.s)}`
              : "none"
            : "not a warning nation in the exercise",
        ),
        ...n.impactErrors.map((e) => el("td", km(e.km), "num")),
      );
      body.append(tr);
    }
  table.append(caption, thead, body);
  return table;
}

function sharedText(n: NationOutcome): string {
  const f = n.firstSharedTrack;
  return f ? `${secs(f.s)} from ${f.fromParty} (${f.fromNode}, via ${shortPath(f.path)})` : "none";
}

function publicWarningsTable(r: WhatIfOperatorResult): HTMLTableElement | undefined {
  if (r.publicWarnings.length === 0) return undefined;
  const table = el("table", undefined, "table whatif-table");
  table.id = "whatif-public";
  table.append(el("caption", "Other nations' public warnings (public, so shown to every operator)"));
  const head = el("tr");
  for (const h of ["Variant", "Nation", "First public warning", "Warning messages"]) {
    const th = el("th", h);
    th.scope = "col";
    head.append(th);
  }
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  for (const w of r.publicWarnings) {
    const tr = el("tr");
    const th = el("th", w.variant);
    th.scope = "row";
    tr.append(
      th,
      el("td", w.name),
      el("td", w.firstWarning ? `${w.firstWarning.kind} ${secs(w.firstWarning.s)}` : "none"),
      el("td", String(w.warnings.length)),
    );
    body.append(tr);
  }
  table.append(thead, body);
  return table;
}

/** The report's own SVG figures (whatif-html.ts), taken from the page it renders for this comparison. */
function plots(c: WhatIfComparison, party: string, name: string): HTMLElement {
  const doc = new DOMParser().parseFromString(renderWhatIfHtml(c), "text/html");
  const fig = el("figure", undefined, "whatif-plots");
  fig.id = "whatif-plots";
  fig.append(
    el(
      "figcaption",
      `Timelines per variant (own firsts, first track from each partner, public warnings) and ${name}'s impact-point error per variant (log scale).`,
    ),
  );
  const take = (id: string) => {
    const svg = doc.getElementById(id);
    if (!svg) return;
    const copy = document.importNode(svg, true);
    // The report's class names ("timeline") mean other things in the app's stylesheet.
    copy.setAttribute("class", "whatif-figure");
    fig.append(copy);
  };
  for (const v of c.variants) take(`timeline-${v.id}`);
  take(`error-${party}`);
  return fig;
}
