import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateNodeKeys, publicBundle } from "../keys/node-keys.ts";
import {
  initNodeKeys,
  privateKeyPath,
  publicKeyPath,
  readNodeKeys,
  readPublicBundles,
  writeNodeKeys,
} from "./key-files.ts";

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), "triwatch-keys-")), "keys");
});
afterEach(async () => {
  await rm(join(dir, ".."), { recursive: true, force: true });
});

describe("key files", () => {
  it("round-trip, with the private file at mode 0600", async () => {
    const k = generateNodeKeys("ROK_KTMO_CELL");
    const w = await writeNodeKeys(dir, k);
    if (!w.ok) throw new Error(w.message);
    expect((await stat(w.privateFile)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const r = await readNodeKeys(dir, "ROK_KTMO_CELL");
    if (!r.ok) throw new Error(r.message);
    expect(publicBundle(r.keys)).toEqual(publicBundle(k));
    expect(JSON.parse(await readFile(w.publicFile, "utf8"))).toEqual(publicBundle(k));
  });

  it("refuse to overwrite keys unless told, and then keep mode 0600", async () => {
    await writeNodeKeys(dir, generateNodeKeys("JSDF"));
    const again = await writeNodeKeys(dir, generateNodeKeys("JSDF"));
    expect(again.ok ? "ok" : again.code).toBe("EXISTS");
    await chmod(privateKeyPath(dir, "JSDF"), 0o644);
    const forced = await writeNodeKeys(dir, generateNodeKeys("JSDF"), { overwrite: true });
    expect(forced.ok).toBe(true);
    expect((await stat(privateKeyPath(dir, "JSDF"))).mode & 0o777).toBe(0o600);
  });

  it("refuse a private file that others can read, a missing one, and one for another node", async () => {
    await writeNodeKeys(dir, generateNodeKeys("JSDF"));
    await chmod(privateKeyPath(dir, "JSDF"), 0o640);
    const open = await readNodeKeys(dir, "JSDF");
    expect(open.ok ? "ok" : open.code).toBe("INSECURE_MODE");
    const missing = await readNodeKeys(dir, "USFJ_C4I");
    expect(missing.ok ? "ok" : missing.code).toBe("NOT_FOUND");
    await chmod(privateKeyPath(dir, "JSDF"), 0o600);
    await writeFile(privateKeyPath(dir, "USFJ_C4I"), await readFile(privateKeyPath(dir, "JSDF")), {
      mode: 0o600,
    });
    const other = await readNodeKeys(dir, "USFJ_C4I");
    expect(other.ok ? "ok" : other.code).toBe("WRONG_NODE");
    await writeFile(privateKeyPath(dir, "USFJ_C4I"), "{ not json", { mode: 0o600 });
    const bad = await readNodeKeys(dir, "USFJ_C4I");
    expect(bad.ok ? "ok" : bad.code).toBe("MALFORMED");
  });

  it("init writes every node's keys and returns the bundles the topology embeds", async () => {
    const nodes = ["ROK_KTMO_CELL", "USFK_TMO_CELL", "JSDF"];
    const r = await initNodeKeys(dir, nodes);
    if (!r.ok) throw new Error(r.message);
    expect(r.bundles.map((b) => b.node)).toEqual(nodes);
    const read = await readPublicBundles(dir);
    if (!read.ok) throw new Error(read.message);
    expect(read.bundles).toEqual([...r.bundles].sort((a, b) => a.node.localeCompare(b.node)));
    for (const n of nodes) expect((await stat(privateKeyPath(dir, n))).mode & 0o777).toBe(0o600);
  });

  it("init refuses before writing anything when one node already has keys", async () => {
    await writeNodeKeys(dir, generateNodeKeys("JSDF"));
    const r = await initNodeKeys(dir, ["ROK_KTMO_CELL", "JSDF"]);
    expect(r.ok ? "ok" : r.code).toBe("EXISTS");
    await expect(stat(publicKeyPath(dir, "ROK_KTMO_CELL"))).rejects.toThrow();
  });
});
