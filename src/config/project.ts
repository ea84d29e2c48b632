/**
 * The project's own data (agreements, classification schemes, topology) loaded and compiled, with
 * errors that name the file and field. Paths default to the checkout this code runs from.
 */
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Agreement } from "../model/agreement.ts";
import { ClassificationScheme } from "../model/classification.ts";
import { Topology } from "../model/topology.ts";
import { compilePolicy, type ParameterOverrides, type Policy, PolicyConfigError } from "../policy/policy.ts";
import { AgreementHistoryError } from "../policy/status.ts";
import { fieldPath, InputError, loadDir, loadFile } from "./files.ts";

/** The root of this checkout (where `agreements/`, `classification/` and `topology/` live). */
export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Where to find the data. */
export interface DataPaths {
  agreementsDir: string;
  classificationDir: string;
  topologyFile: string;
}

/** The default data paths of this checkout. */
export const DEFAULT_PATHS: DataPaths = {
  agreementsDir: join(PROJECT_ROOT, "agreements"),
  classificationDir: join(PROJECT_ROOT, "classification"),
  topologyFile: join(PROJECT_ROOT, "topology", "trilateral.yaml"),
};

/** Everything loaded: the raw files and the compiled policy. */
export interface ProjectData {
  agreements: Agreement[];
  schemes: ClassificationScheme[];
  topology: Topology;
  policy: Policy;
}

/** Loads and compiles the project's data; throws InputError naming the file and field on any problem. */
export function loadProject(
  paths: DataPaths = DEFAULT_PATHS,
  overrides: ParameterOverrides = {},
): ProjectData {
  const agreementFiles = loadDir(paths.agreementsDir, Agreement);
  const schemes = loadDir(paths.classificationDir, ClassificationScheme).map((f) => f.value);
  const topology = loadFile(paths.topologyFile, Topology);
  const fileOf = new Map(agreementFiles.map((f) => [f.value.id, relative(process.cwd(), f.file)]));
  const agreements = agreementFiles.map((f) => f.value);
  const seen = new Set<string>();
  for (const f of agreementFiles) {
    if (seen.has(f.value.id))
      throw new InputError(relative(process.cwd(), f.file), "id", `duplicate id ${f.value.id}`);
    seen.add(f.value.id);
  }
  try {
    return { agreements, schemes, topology, policy: compilePolicy(agreements, schemes, overrides) };
  } catch (e) {
    if (e instanceof PolicyConfigError) {
      throw new InputError(
        fileOf.get(e.agreementId) ?? `agreement ${e.agreementId}`,
        fieldPath(e.path),
        e.message,
      );
    }
    if (e instanceof AgreementHistoryError) {
      throw new InputError(
        fileOf.get(e.agreementId) ?? `agreement ${e.agreementId}`,
        fieldPath(e.path),
        e.message,
      );
    }
    throw e;
  }
}
