/** `triwatch agreements status`: each agreement's status at a moment. */
import type { Command } from "commander";
import { loadProject } from "../../config/project.ts";
import { OPERATIVE_STATUSES } from "../../model/agreement.ts";
import { isoUtc } from "../../model/time.ts";
import type { Policy } from "../../policy/policy.ts";
import { intervalAt } from "../../policy/status.ts";
import { table } from "../format.ts";
import type { CliIo } from "../io.ts";
import { parseAtOption, parseSetOptions } from "./options.ts";

/** One agreement's status row, as printed and as emitted with --json. */
export interface AgreementStatusRow {
  id: string;
  status: string;
  operative: boolean;
  since: string | null;
  cause: string;
  terminationEffectiveAt: string | null;
  parties: string[];
  routing: string;
  channels: string[];
  ceiling: string;
  topics: string[] | "all";
  requires: string[];
}

/** Status rows of every agreement in a policy at `at`. */
export function agreementStatusRows(policy: Policy, at: number): AgreementStatusRow[] {
  return policy.agreements.map((c) => {
    const iv = intervalAt(c.timeline, at);
    const a = c.agreement;
    const basisDown = a.requires.filter((r) => {
      const b = policy.byId.get(r);
      return b && !OPERATIVE_STATUSES.has(intervalAt(b.timeline, at).status);
    });
    return {
      id: a.id,
      status: iv.status,
      operative: OPERATIVE_STATUSES.has(iv.status) && basisDown.length === 0,
      since: Number.isFinite(iv.from) ? isoUtc(iv.from) : null,
      cause: basisDown.length > 0 ? `${iv.cause}; basis ${basisDown.join(", ")} not in force` : iv.cause,
      terminationEffectiveAt:
        iv.terminationEffectiveAt === undefined ? null : isoUtc(iv.terminationEffectiveAt),
      parties: a.parties,
      routing: a.routing.mode === "hub" ? `via ${a.routing.hub}` : "direct",
      channels: a.channels,
      ceiling: c.ceiling.tier,
      topics: a.scope.topics,
      requires: a.requires,
    };
  });
}

/** Renders status rows as a table. */
export function renderStatusTable(rows: AgreementStatusRow[]): string {
  return table(
    ["agreement", "status", "operates", "parties", "route", "channels", "ceiling", "since / because"],
    rows.map((r) => [
      r.id,
      r.status,
      r.operative ? "yes" : "no",
      r.parties.join(","),
      r.routing,
      r.channels.join(","),
      r.ceiling,
      `${r.cause}${r.terminationEffectiveAt ? `; takes effect ${r.terminationEffectiveAt}` : ""}`,
    ]),
  );
}

/** Registers `agreements status`. */
export function registerAgreements(program: Command, io: CliIo): void {
  const agreements = program.command("agreements").description("the agreements and their status");
  agreements
    .command("status")
    .description(
      "print each agreement's status at a moment (derived from its event history and renewal rule)",
    )
    .option("--at <iso-time>", "the moment, ISO 8601 with a zone (default: now)")
    .option("--set <agreement.parameter=value...>", "override an agreement parameter (repeatable)")
    .option("--json", "machine-readable output")
    .action((opts: { at?: string; set?: string[]; json?: boolean }) => {
      const at = opts.at === undefined ? io.now() : parseAtOption(opts.at);
      const { policy } = loadProject(undefined, parseSetOptions(opts.set));
      const rows = agreementStatusRows(policy, at);
      if (opts.json) io.out(JSON.stringify({ at: isoUtc(at), agreements: rows }, null, 2));
      else io.out(`Agreements at ${isoUtc(at)}\n\n${renderStatusTable(rows)}`);
    });
}
