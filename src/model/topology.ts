/**
 * The topology: parties with their classification schemes, nodes (one per national system or hub), and
 * the links the real architecture has between them, each with the agreements that can carry it.
 */
import { z } from "zod";
import { PartyCode } from "./party.ts";

/** A node: one national command-and-control system, a US forces system, or the hub. */
export const NodeSpec = z.strictObject({
  id: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "upper-case letters, digits and _"),
  party: PartyCode,
  name: z.string().min(1),
  role: z.enum(["national", "us-forces", "hub"]),
  note: z.string().optional(),
});
export type NodeSpec = z.infer<typeof NodeSpec>;

/** A link between two nodes, enabled while any of its agreements operates. */
export const LinkSpec = z.strictObject({
  a: z.string(),
  b: z.string(),
  /** Agreements that can carry the link; empty for a link inside one party, which is always enabled. */
  agreements: z.array(z.string()).default([]),
  note: z.string().optional(),
});

/** A party and where its classification scheme is described. */
export const PartySpec = z.strictObject({
  code: PartyCode,
  name: z.string().min(1),
  scheme: z.string().min(1),
});

/** A topology file. */
export const Topology = z
  .strictObject({
    parties: z.array(PartySpec).min(2),
    nodes: z.array(NodeSpec).min(1),
    links: z.array(LinkSpec).default([]),
  })
  .superRefine((t, ctx) => {
    const parties = new Set(t.parties.map((p) => p.code));
    const nodes = new Set<string>();
    t.nodes.forEach((n, i) => {
      if (!parties.has(n.party)) {
        ctx.addIssue({ code: "custom", path: ["nodes", i, "party"], message: `unknown party ${n.party}` });
      }
      if (nodes.has(n.id))
        ctx.addIssue({ code: "custom", path: ["nodes", i, "id"], message: `duplicate node ${n.id}` });
      nodes.add(n.id);
    });
    const partyOf = new Map(t.nodes.map((n) => [n.id, n.party]));
    t.links.forEach((l, i) => {
      for (const end of ["a", "b"] as const) {
        if (!nodes.has(l[end])) {
          ctx.addIssue({ code: "custom", path: ["links", i, end], message: `unknown node ${l[end]}` });
        }
      }
      if (l.agreements.length === 0 && partyOf.get(l.a) !== partyOf.get(l.b)) {
        ctx.addIssue({
          code: "custom",
          path: ["links", i, "agreements"],
          message: "a link between two parties needs at least one agreement",
        });
      }
    });
  });
export type Topology = z.infer<typeof Topology>;
