import { describe, expect, it } from "vitest";
import { LineBatch } from "./io.ts";

describe("LineBatch", () => {
  it("writes the lines of one task together once it ends, in order", async () => {
    const writes: string[] = [];
    const lines = new LineBatch((t) => writes.push(t));
    lines.push("a");
    lines.push("b");
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(["a\nb"]);
    lines.push("c");
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(["a\nb", "c"]);
  });

  it("flush writes what waits at once, and nothing when nothing waits", async () => {
    const writes: string[] = [];
    const lines = new LineBatch((t) => writes.push(t));
    lines.flush();
    lines.push("x");
    lines.flush();
    expect(writes).toEqual(["x"]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(["x"]);
  });
});
