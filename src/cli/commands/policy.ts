/** `triwatch policy explain`: the release decision for an item, with every reason. */
import type { Command } from "commander";
import { loadFile } from "../../config/files.ts";
import { loadProject } from "../../config/project.ts";
import { Item } from "../../model/item.ts";
import { isoUtc, parseIso } from "../../model/time.ts";
import { type Channel, type Decision, decide } from "../../policy/decide.ts";
import type { Policy } from "../../policy/policy.ts";
import { type CliIo, UsageError } from "../io.ts";
import { parseAtOption, parsePartyOption, parseSetOptions } from "./options.ts";

/** A permitted alternative route. */
export interface Alternative {
  via: string[];
  channel: Channel;
  agreement: string;
}

/** Routes (direct or through one other party) and channels that would be permitted. */
export function permittedAlternatives(
  policy: Policy,
  item: Item,
  sender: string,
  recipient: string,
  at: number,
): Alternative[] {
  const others = [...policy.levels.keys()].filter((p) => p !== sender && p !== recipient);
  const out: Alternative[] = [];
  for (const via of [[], ...others.map((p) => [p])]) {
    for (const channel of ["real-time", "deferred"] as const) {
      const d = decide(policy, { item, sender, recipient, via, channel, at });
      if (d.outcome === "permit") out.push({ via, channel, agreement: d.agreement });
    }
  }
  return out;
}

/** The moment an item is current: a track report's `asOf`, a report's `producedAt`. */
export function itemTime(item: Item): number {
  const r = parseIso(item.kind === "track-report" ? item.asOf : item.producedAt);
  return r.ok ? r.ms : Number.NaN;
}

/** Renders a decision for a person. */
export function renderDecision(d: Decision, item: Item, at: number, alternatives?: Alternative[]): string {
  const lines = [
    `Item ${item.id} (${item.kind}, ${item.label.originator} ${item.label.classification}, topics ${item.label.topics.join(", ")})`,
  ];
  lines.push(`Route ${d.route.join(" → ")}, ${d.channel}, at ${isoUtc(at)}`);
  if (d.outcome === "permit") {
    lines.push(`PERMIT under ${d.agreement} (${d.why})`);
    lines.push(`  tier: ${d.tier}; consent: ${d.consent}`);
    for (const m of d.relayMarkings) lines.push(`  marked at ${m.party}: ${m.banner}`);
    lines.push(`  marked at ${d.marking.party}: ${d.marking.banner}`);
    lines.push(
      `  removed before release: ${d.removedFields.length > 0 ? d.removedFields.join(", ") : "nothing"}`,
    );
  } else {
    lines.push("DENY");
    const general = d.reasons.filter((r) => !r.agreement);
    for (const r of general) lines.push(`  ${r.code}: ${r.message}`);
    const byAgreement = new Map<string, string[]>();
    for (const r of d.reasons) {
      if (!r.agreement) continue;
      byAgreement.set(r.agreement, [...(byAgreement.get(r.agreement) ?? []), `${r.code}: ${r.message}`]);
    }
    for (const [id, rs] of byAgreement) {
      lines.push(`  under ${id}:`);
      for (const r of rs) lines.push(`    ${r}`);
    }
    if (alternatives) {
      if (alternatives.length === 0) lines.push("No other route or channel would be permitted.");
      else {
        lines.push("Routes that would be permitted:");
        for (const a of alternatives) {
          const route = a.via.length > 0 ? `via ${a.via.join(", ")}` : "direct";
          lines.push(`  ${route}, ${a.channel}: ${a.agreement}`);
        }
      }
    }
  }
  return lines.join("\n");
}

/** Registers `policy explain`. */
export function registerPolicy(program: Command, io: CliIo): void {
  const policyCmd = program.command("policy").description("release decisions under the agreements");
  policyCmd
    .command("explain")
    .description("decide whether an item may be released, and explain why")
    .argument("<item.json>", "the item (track report or intelligence report)")
    .requiredOption("--from <party>", "the sending party (ISO trigraph)")
    .requiredOption("--to <party>", "the receiving party")
    .option("--via <parties>", "comma-separated parties the item passes through (e.g. USA)")
    .option("--at <iso-time>", "the moment of release (default: the item's asOf or producedAt)")
    .option(
      "--channel <channel>",
      "real-time or deferred (default: real-time for track reports, deferred otherwise)",
    )
    .option("--set <agreement.parameter=value...>", "override an agreement parameter (repeatable)")
    .option("--json", "machine-readable output")
    .action(
      (
        file: string,
        opts: {
          from: string;
          to: string;
          via?: string;
          at?: string;
          channel?: string;
          set?: string[];
          json?: boolean;
        },
      ) => {
        const { policy } = loadProject(undefined, parseSetOptions(opts.set));
        const known = policy.levels.keys();
        const knownList = [...known];
        const sender = parsePartyOption("--from", opts.from, knownList);
        const recipient = parsePartyOption("--to", opts.to, knownList);
        const via = opts.via ? opts.via.split(",").map((p) => parsePartyOption("--via", p, knownList)) : [];
        if (opts.channel !== undefined && opts.channel !== "real-time" && opts.channel !== "deferred") {
          throw new UsageError(`--channel ${opts.channel}: expected real-time or deferred`);
        }
        const item = loadFile(file, Item);
        const channel: Channel =
          (opts.channel as Channel | undefined) ?? (item.kind === "track-report" ? "real-time" : "deferred");
        const at = opts.at === undefined ? itemTime(item) : parseAtOption(opts.at);
        const decision = decide(policy, { item, sender, recipient, via, channel, at });
        const alternatives =
          decision.outcome === "deny" && opts.via === undefined
            ? permittedAlternatives(policy, item, sender, recipient, at)
            : undefined;
        if (opts.json)
          io.out(JSON.stringify({ at: isoUtc(at), item: item.id, decision, alternatives }, null, 2));
        else io.out(renderDecision(decision, item, at, alternatives));
      },
    );
}
