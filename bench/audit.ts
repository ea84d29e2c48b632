/**
 * The audit log at 1,000,000 leaves: appends per second, tree-head time (root and Ed25519 signature),
 * inclusion and consistency proof generation + verification, with baselines measured in the same run:
 * SHA-256 node hashes per second on this machine (the unit every figure is expressed in) and a naive
 * root computed from all stored leaf hashes (what a log without the memo would do for every proof).
 * CPU time (process.cpuUsage) is reported beside wall time, since other processes share the machine.
 */
import { sign } from "node:crypto";
import { equalBytes, leafHash, nodeHash } from "../src/audit/hash.ts";
import { signTreeHead, treeHeadOf, verifyTreeHead } from "../src/audit/head.ts";
import { verifyConsistency, verifyInclusion } from "../src/audit/proof.ts";
import { encodeRecord } from "../src/audit/record.ts";
import { ed25519, sampleRecord } from "../src/audit/testing/fixtures.ts";
import { MerkleLog } from "../src/audit/tree.ts";

/** Microseconds per operation, CPU and wall. */
interface PerOp {
  cpuUs: number;
  wallUs: number;
}

/** Wall and CPU milliseconds of one run of `fn`. */
function time<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Deterministic pseudo-random indices (xorshift), so runs are comparable. */
function indices(count: number, below: number, seed = 0x9e3779b9): number[] {
  let x = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.push(x % below);
  }
  return out;
}

/** Root of n leaf hashes, level by level with no memo: n - 1 node hashes. */
function naiveRoot(log: MerkleLog, n: number): Uint8Array {
  let level: Uint8Array[] = [];
  for (let i = 0; i < n; i++) level.push(log.leafHash(i));
  // MTH pairs from the left and carries an odd last node up unchanged, which is the RFC's split.
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2)
      next.push(nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array));
    if (level.length % 2 === 1) next.push(level[level.length - 1] as Uint8Array);
    level = next;
  }
  return level[0] as Uint8Array;
}

/** Measures and returns the figures. */
export function benchAudit(size = 1_000_000) {
  // Baseline: SHA-256 node hashes (65-byte input) per CPU-second.
  const a = leafHash(new Uint8Array([1]));
  const b = leafHash(new Uint8Array([2]));
  nodeHash(a, b);
  const HASHES = 1_000_000;
  const hashing = time(() => {
    let h = a;
    for (let i = 0; i < HASHES; i++) h = nodeHash(h, b);
    return h;
  });

  // Leaves: a real record's canonical bytes with the index patched into the last bytes of the digest.
  const template = encodeRecord(sampleRecord(0));
  const leaf = new Uint8Array(template);
  const encoding = time(() => {
    for (let i = 0; i < 20_000; i++) encodeRecord(sampleRecord(i));
  });

  const log = new MerkleLog();
  const appends = time(() => {
    for (let i = 0; i < size; i++) {
      leaf[leaf.length - 3] = i & 0xff;
      leaf[leaf.length - 4] = (i >>> 8) & 0xff;
      leaf[leaf.length - 5] = (i >>> 16) & 0xff;
      log.append(leaf);
    }
  });
  const memory = process.memoryUsage();

  // Tree heads: root at the current size (not a power of two) and at past sizes, then the signature.
  const ROOTS = 2000;
  const pastSizes = indices(ROOTS, size - 1).map((x) => x + 1);
  const roots = time(() => {
    for (const s of pastSizes) log.root(s);
  });
  const currentRoot = time(() => {
    for (let i = 0; i < ROOTS; i++) log.root();
  });
  const keys = ed25519();
  const SIGNS = 500;
  const heads = time(() => {
    let sth = signTreeHead(treeHeadOf(log, "ROK_KTMO_CELL", 0), keys.privateKey);
    for (let i = 1; i < SIGNS; i++) sth = signTreeHead(treeHeadOf(log, "ROK_KTMO_CELL", i), keys.privateKey);
    return sth;
  });
  const headChecks = time(() => {
    for (let i = 0; i < SIGNS; i++) verifyTreeHead(heads.value, keys.publicKey, "ROK_KTMO_CELL");
  });
  const signOnly = time(() => {
    for (let i = 0; i < SIGNS; i++) sign(null, template, keys.privateKey);
  });

  // Inclusion proofs at the full size.
  const PROOFS = 10_000;
  const leavesToProve = indices(PROOFS, size, 12345);
  const root = log.root();
  const inclusionGen = time(() => leavesToProve.map((i) => log.inclusionProof(i)));
  const inclusionVerify = time(() => {
    let ok = 0;
    leavesToProve.forEach((i, k) => {
      if (verifyInclusion(i, size, log.leafHash(i), inclusionGen.value[k] as Uint8Array[], root).ok) ok++;
    });
    return ok;
  });
  if (inclusionVerify.value !== PROOFS) throw new Error("an inclusion proof failed to verify");

  // Consistency proofs from random past sizes to the full size.
  const firstSizes = indices(PROOFS, size - 1, 777).map((x) => x + 1);
  const firstRoots = firstSizes.map((s) => log.root(s));
  const consistencyGen = time(() => firstSizes.map((s) => log.consistencyProof(s)));
  const consistencyVerify = time(() => {
    let ok = 0;
    firstSizes.forEach((s, k) => {
      const proof = consistencyGen.value[k] as Uint8Array[];
      if (verifyConsistency(s, size, proof, firstRoots[k] as Uint8Array, root).ok) ok++;
    });
    return ok;
  });
  if (consistencyVerify.value !== PROOFS) throw new Error("a consistency proof failed to verify");

  // Baseline: a naive root over every stored leaf hash (once; no memo).
  const naive = time(() => naiveRoot(log, size));
  if (!equalBytes(naive.value, root)) throw new Error("naive root disagrees with the log");

  const per = (t: { wallMs: number; cpuMs: number }, count: number): PerOp => ({
    cpuUs: (t.cpuMs * 1000) / count,
    wallUs: (t.wallMs * 1000) / count,
  });
  return {
    size,
    hash: per(hashing, HASHES),
    recordsEncodedPerSecond: 20_000 / (encoding.cpuMs / 1000),
    append: per(appends, size),
    heapMb: memory.heapUsed / 2 ** 20,
    arrayBuffersMb: memory.arrayBuffers / 2 ** 20,
    currentRoot: per(currentRoot, ROOTS),
    pastRoot: per(roots, ROOTS),
    signedHead: per(heads, SIGNS),
    signOnly: per(signOnly, SIGNS),
    headVerify: per(headChecks, SIGNS),
    inclusionGen: per(inclusionGen, PROOFS),
    inclusionVerify: per(inclusionVerify, PROOFS),
    meanPathLength: inclusionGen.value.reduce((sum, p) => sum + p.length, 0) / PROOFS,
    consistencyGen: per(consistencyGen, PROOFS),
    consistencyVerify: per(consistencyVerify, PROOFS),
    naive: per(naive, 1),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchAudit();
  const f = (x: number, digits = 0) =>
    x.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const op = (p: PerOp) =>
    `${f(p.cpuUs, 2).padStart(8)} µs CPU ${f(p.wallUs, 2).padStart(8)} µs wall = ${f(p.cpuUs / r.hash.cpuUs, 1).padStart(5)} node hashes`;
  console.log(`audit log at ${f(r.size)} leaves; per operation, CPU (process.cpuUsage) and wall time:`);
  console.log(`  baseline SHA-256 node hash    ${op(r.hash)} (${f(1e6 / r.hash.cpuUs)}/CPU-s)`);
  console.log(
    `  append (leaf hash + memo)     ${op(r.append)} (${f(1e6 / r.append.cpuUs)}/CPU-s, ${f(1e6 / r.append.wallUs)}/s wall)`,
  );
  console.log(`  root at the current size      ${op(r.currentRoot)}`);
  console.log(`  root at a random past size    ${op(r.pastRoot)}`);
  console.log(`  signed tree head (root, sign) ${op(r.signedHead)}`);
  console.log(`    of which Ed25519 sign       ${op(r.signOnly)}`);
  console.log(`  verify a signed tree head     ${op(r.headVerify)}`);
  console.log(
    `  inclusion proof, generate     ${op(r.inclusionGen)} (mean path ${f(r.meanPathLength, 1)} hashes)`,
  );
  console.log(`  inclusion proof, verify       ${op(r.inclusionVerify)}`);
  console.log(`  consistency proof, generate   ${op(r.consistencyGen)}`);
  console.log(`  consistency proof, verify     ${op(r.consistencyVerify)}`);
  console.log(
    `  baseline naive root (no memo) ${f(r.naive.cpuUs / 1000)} ms CPU, ${f(r.naive.wallUs / 1000)} ms wall = ${f(r.naive.cpuUs / r.hash.cpuUs)} node hashes`,
  );
  console.log(
    `  memoised inclusion proof vs recomputing the root for it: ×${f(r.naive.cpuUs / r.inclusionGen.cpuUs)} (CPU)`,
  );
  console.log(
    `  memory after appends: heap ${f(r.heapMb)} MB, array buffers ${f(r.arrayBuffersMb)} MB; record encoding ${f(r.recordsEncodedPerSecond)}/CPU-s`,
  );
}
