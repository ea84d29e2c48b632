// The LeafHashStore contract, written once so that a persistent store can later run the same suite.
import { describe, expect, it } from "vitest";
import { AuditError, leafHash, toHex } from "./hash.ts";
import { HashArray, type LeafHashStore, MemoryLeafHashStore } from "./store.ts";

/** Runs the contract every LeafHashStore must meet against stores made by `make`. */
function leafHashStoreContract(name: string, make: () => LeafHashStore): void {
  describe(`LeafHashStore contract: ${name}`, () => {
    it("appends at the end, reads by position, and counts", () => {
      const store = make();
      expect(store.size()).toBe(0);
      const hashes = Array.from({ length: 3000 }, (_, i) => leafHash(new Uint8Array([i & 255, i >> 8])));
      for (const [i, h] of hashes.entries()) expect(store.append(h)).toBe(i);
      expect(store.size()).toBe(3000);
      for (const i of [0, 1, 1023, 1024, 2999])
        expect(toHex(store.get(i))).toBe(toHex(hashes[i] as Uint8Array));
    });

    it("keeps its own copy of what was appended", () => {
      const store = make();
      const h = leafHash(new Uint8Array([7]));
      const before = toHex(h);
      store.append(h);
      h.fill(0);
      expect(toHex(store.get(0))).toBe(before);
    });

    it("refuses positions it does not hold and hashes of the wrong size", () => {
      const store = make();
      store.append(leafHash(new Uint8Array(0)));
      for (const i of [-1, 1, 0.5, Number.NaN]) expect(() => store.get(i)).toThrow(AuditError);
      expect(() => store.append(new Uint8Array(31))).toThrow(
        expect.objectContaining({ code: "BAD_HASH_SIZE" }),
      );
      expect(store.size()).toBe(1);
    });
  });
}

leafHashStoreContract("MemoryLeafHashStore", () => new MemoryLeafHashStore());

describe("HashArray", () => {
  it("keeps views taken before it grew valid", () => {
    const arr = new HashArray(1);
    arr.push(leafHash(new Uint8Array([1])));
    const view = arr.at(0);
    for (let i = 0; i < 100; i++) arr.push(leafHash(new Uint8Array([2, i])));
    expect(toHex(view)).toBe(toHex(arr.at(0)));
  });
});
