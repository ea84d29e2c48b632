/**
 * `triwatch demo`: the main job. The full embedded demo (every node in one process, a historical launch
 * replayed, the COP in the browser) is issue 6 and is NOT built yet; until then this command says so and
 * shows the most useful thing that exists: the agreements at the default scenario's moment and how a
 * Japanese track of that launch would be released to each partner.
 */

import { join } from "node:path";
import type { Command } from "commander";
import { loadFile } from "../../config/files.ts";
import { loadProject, PROJECT_ROOT } from "../../config/project.ts";
import { Item } from "../../model/item.ts";
import { isoUtc } from "../../model/time.ts";
import { decide } from "../../policy/decide.ts";
import type { CliIo } from "../io.ts";
import { agreementStatusRows, renderStatusTable } from "./agreements.ts";
import { itemTime, renderDecision } from "./policy.ts";

/** Registers `demo`. */
export function registerDemo(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description(
      "the embedded demo (for now: agreement status and sample release decisions; the COP is not built yet)",
    )
    .action(() => {
      io.err(
        "NOTE: the embedded demo with the common operating picture (http://localhost:8080) is not built yet.\n" +
          "      Showing the agreement status and sample release decisions for the 2022-10-04 launch instead.\n",
      );
      const { policy } = loadProject();
      const item = loadFile(join(PROJECT_ROOT, "examples", "jpn-track-report.json"), Item);
      const at = itemTime(item);
      io.out(`Agreements at ${isoUtc(at)} (the 2022-10-04 Hwasong-12 overflight of Aomori)\n`);
      io.out(`${renderStatusTable(agreementStatusRows(policy, at))}\n`);
      for (const [recipient, via, channel] of [
        ["USA", [], "real-time"],
        ["KOR", [], "real-time"],
        ["KOR", ["USA"], "real-time"],
        ["KOR", [], "deferred"],
      ] as const) {
        const d = decide(policy, { item, sender: "JPN", recipient, via, channel, at });
        io.out(`${renderDecision(d, item, at)}\n`);
      }
      io.out("Try: npx triwatch policy explain examples/rok-track-report.json --from KOR --to JPN");
    });
}
