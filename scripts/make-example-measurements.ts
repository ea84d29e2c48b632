/**
 * Writes examples/measurements-small.json: 100 s of the 2017-08-29 flight just after burnout, as seen by
 * two radars (USFK-TPY2-SEONGJU, JSDF-FPS5-SADO), seed 1, false alarms included. The docs and a test use it;
 * src/sim/example-measurements.test.ts checks that this script would write the same file.
 * Run: npx tsx scripts/make-example-measurements.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../src/config/project.ts";
import { exampleMeasurements, formatExample } from "../src/sim/example-measurements.ts";

const file = exampleMeasurements(PROJECT_ROOT);
writeFileSync(join(PROJECT_ROOT, "examples", "measurements-small.json"), formatExample(file));
process.stdout.write(
  `wrote examples/measurements-small.json: ${file.sensors.length} sensors, ${file.detections.length} detections\n`,
);
