/**
 * Key files on disk (the adapter half of `node-keys.ts`): one directory holds
 * `<NODE>.private.jwk.json` (mode 0600, refused when group or others can read it, as ssh does) and
 * `<NODE>.public.jwk.json` (the bundle a topology embeds). `triwatch keys init` calls `initNodeKeys`.
 */
import { access, mkdir, open, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  generateNodeKeys,
  type NodeKeys,
  nodeKeysFromFile,
  type PublicKeyBundle,
  peerKeysFromBundle,
  privateKeyFile,
  publicBundle,
} from "../keys/node-keys.ts";

/** Why a key file could not be used. */
export type KeyFileProblem = {
  ok: false;
  code: "NOT_FOUND" | "UNREADABLE" | "MALFORMED" | "MISMATCH" | "INSECURE_MODE" | "EXISTS" | "WRONG_NODE";
  file: string;
  message: string;
};

const PRIVATE_SUFFIX = ".private.jwk.json";
const PUBLIC_SUFFIX = ".public.jwk.json";

/** Path of a node's private key file in `dir`. */
export function privateKeyPath(dir: string, node: string): string {
  return join(dir, `${node}${PRIVATE_SUFFIX}`);
}

/** Path of a node's public bundle file in `dir`. */
export function publicKeyPath(dir: string, node: string): string {
  return join(dir, `${node}${PUBLIC_SUFFIX}`);
}

async function writeNew(file: string, text: string, mode: number, overwrite: boolean): Promise<void> {
  // "wx" creates with `mode` from the start, so a private key is never readable by others, even briefly.
  const handle = await open(file, overwrite ? "w" : "wx", mode);
  try {
    await handle.writeFile(text, "utf8");
    await handle.chmod(mode); // an overwritten file keeps its old mode otherwise
  } finally {
    await handle.close();
  }
}

/** Writes a node's private file (0600) and public bundle (0644); refuses to replace existing keys unless told. */
export async function writeNodeKeys(
  dir: string,
  keys: NodeKeys,
  options: { overwrite?: boolean } = {},
): Promise<{ ok: true; privateFile: string; publicFile: string } | KeyFileProblem> {
  const privateFile = privateKeyPath(dir, keys.node);
  const publicFile = publicKeyPath(dir, keys.node);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const overwrite = options.overwrite ?? false;
  try {
    await writeNew(privateFile, `${JSON.stringify(privateKeyFile(keys), null, 2)}\n`, 0o600, overwrite);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      return {
        ok: false,
        code: "EXISTS",
        file: privateFile,
        message: "keys exist; pass overwrite to replace",
      };
    }
    throw e;
  }
  await writeNew(publicFile, `${JSON.stringify(publicBundle(keys), null, 2)}\n`, 0o644, true);
  return { ok: true, privateFile, publicFile };
}

async function readJson(file: string): Promise<{ ok: true; value: unknown } | KeyFileProblem> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, code: "NOT_FOUND", file, message: "no such file" };
    return { ok: false, code: "UNREADABLE", file, message: `cannot read (${code ?? (e as Error).message})` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, code: "MALFORMED", file, message: `malformed JSON: ${(e as Error).message}` };
  }
}

/** Reads a node's own keys; refuses a private file that group or others may read. */
export async function readNodeKeys(
  dir: string,
  node: string,
): Promise<{ ok: true; keys: NodeKeys } | KeyFileProblem> {
  const file = privateKeyPath(dir, node);
  try {
    const mode = (await stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      const shown = mode.toString(8).padStart(4, "0");
      return { ok: false, code: "INSECURE_MODE", file, message: `mode ${shown}; must be 0600` };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      return { ok: false, code: "NOT_FOUND", file, message: "no such file" };
    }
  }
  const json = await readJson(file);
  if (!json.ok) return json;
  const r = nodeKeysFromFile(json.value);
  if (!r.ok) return { ok: false, code: r.code, file, message: r.message };
  if (r.keys.node !== node) {
    return { ok: false, code: "WRONG_NODE", file, message: `holds keys of ${r.keys.node}, not ${node}` };
  }
  return r;
}

/** Reads one node's public bundle. */
export async function readPublicBundle(
  dir: string,
  node: string,
): Promise<{ ok: true; bundle: PublicKeyBundle } | KeyFileProblem> {
  const file = publicKeyPath(dir, node);
  const json = await readJson(file);
  if (!json.ok) return json;
  const r = peerKeysFromBundle(json.value);
  if (!r.ok) return { ok: false, code: r.code, file, message: r.message };
  if (r.peer.node !== node) {
    return { ok: false, code: "WRONG_NODE", file, message: `holds keys of ${r.peer.node}, not ${node}` };
  }
  return { ok: true, bundle: json.value as PublicKeyBundle };
}

/** Reads every public bundle in `dir`, in node order. */
export async function readPublicBundles(
  dir: string,
): Promise<{ ok: true; bundles: PublicKeyBundle[] } | KeyFileProblem> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(PUBLIC_SUFFIX)).sort();
  const bundles: PublicKeyBundle[] = [];
  for (const name of names) {
    const r = await readPublicBundle(dir, name.slice(0, -PUBLIC_SUFFIX.length));
    if (!r.ok) return r;
    bundles.push(r.bundle);
  }
  return { ok: true, bundles };
}

/**
 * `triwatch keys init`: generates and writes keys for each node and returns the public bundles to embed
 * in the topology. Unless `overwrite`, refuses before writing anything when any node already has keys.
 */
export async function initNodeKeys(
  dir: string,
  nodes: readonly string[],
  options: { overwrite?: boolean } = {},
): Promise<{ ok: true; bundles: PublicKeyBundle[] } | KeyFileProblem> {
  if (!options.overwrite) {
    for (const node of nodes) {
      const file = privateKeyPath(dir, node);
      const exists = await access(file).then(
        () => true,
        () => false,
      );
      if (exists)
        return { ok: false, code: "EXISTS", file, message: "keys exist; pass overwrite to replace" };
    }
  }
  const bundles: PublicKeyBundle[] = [];
  for (const node of nodes) {
    const keys = generateNodeKeys(node);
    const r = await writeNodeKeys(dir, keys, options);
    if (!r.ok) return r;
    bundles.push(publicBundle(keys));
  }
  return { ok: true, bundles };
}
