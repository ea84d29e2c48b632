/**
 * Who is asking: every API request is an operator of one nation with a clearance (a level of that
 * nation's classification scheme, or none). The server depends only on `Authenticator`; the demo's
 * implementation reads bearer tokens from a file (`config/operators.yaml`), and a deployment passes its
 * own (an OIDC verifier, say) to `buildServer`.
 */
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { loadFile } from "../config/files.ts";
import type { ClassificationScheme } from "../model/classification.ts";
import { PartyCode } from "../model/party.ts";

/** An authenticated operator. */
export const Operator = z.strictObject({
  id: z.string(),
  name: z.string(),
  party: PartyCode,
  /** Level code in the party's scheme, or null when uncleared. */
  clearance: z.string().nullable(),
  /** Rank of the clearance in the party's scheme (0 when uncleared). */
  clearanceRank: z.number().int().nonnegative(),
  /** The clearance as the party writes it (秘, 군사II급비밀, SECRET), or "uncleared". */
  clearanceNative: z.string(),
});
export type Operator = z.infer<typeof Operator>;

/** Turns a bearer token into an operator, or undefined when the token is unknown. */
export interface Authenticator {
  authenticate(token: string): Operator | undefined;
  /** Operators with their tokens that a demo login screen may list; empty when not published. */
  publishedLogins(): { token: string; operator: Operator }[];
}

/** The operators file. */
export const OperatorsFile = z.strictObject({
  /** Whether the login screen may list the tokens (demo only). */
  publishTokens: z.boolean().default(false),
  operators: z
    .array(
      z.strictObject({
        token: z.string().min(8, "a token has at least 8 characters"),
        name: z.string().min(1),
        party: PartyCode,
        clearance: z.string().nullable(),
      }),
    )
    .min(1),
});
export type OperatorsFile = z.infer<typeof OperatorsFile>;

/** A problem in the operators file (unknown party or clearance, duplicate token). */
export class OperatorsConfigError extends Error {
  readonly code = "OPERATORS_CONFIG";
}

/** Bearer tokens from a file, checked against the classification schemes. */
export class TokenFileAuthenticator implements Authenticator {
  readonly #byToken = new Map<string, Operator>();
  readonly #publish: boolean;

  constructor(file: OperatorsFile, schemes: readonly ClassificationScheme[]) {
    this.#publish = file.publishTokens;
    file.operators.forEach((o, i) => {
      const scheme = schemes.find((s) => s.party === o.party);
      if (!scheme)
        throw new OperatorsConfigError(`operators[${i}].party: no classification scheme for ${o.party}`);
      let rank = 0;
      let native = "uncleared";
      if (o.clearance !== null) {
        const level = scheme.levels.find((l) => l.code === o.clearance);
        if (!level)
          throw new OperatorsConfigError(
            `operators[${i}].clearance: ${o.clearance} is not a level of ${o.party} (${scheme.levels.map((l) => l.code).join(", ")})`,
          );
        rank = level.rank;
        native = level.native;
      }
      if (this.#byToken.has(o.token))
        throw new OperatorsConfigError(`operators[${i}].token: duplicate token`);
      this.#byToken.set(o.token, {
        id: `op-${i + 1}`,
        name: o.name,
        party: o.party,
        clearance: o.clearance,
        clearanceRank: rank,
        clearanceNative: native,
      });
    });
  }

  /** Reads and checks an operators file (errors name the file and field). */
  static fromFile(path: string, schemes: readonly ClassificationScheme[]): TokenFileAuthenticator {
    return new TokenFileAuthenticator(loadFile(path, OperatorsFile), schemes);
  }

  authenticate(token: string): Operator | undefined {
    const given = Buffer.from(token);
    // Compare against every token in constant time each, so timing does not reveal a prefix.
    let found: Operator | undefined;
    for (const [t, op] of this.#byToken) {
      const known = Buffer.from(t);
      if (known.length === given.length && timingSafeEqual(known, given)) found = op;
    }
    return found;
  }

  publishedLogins(): { token: string; operator: Operator }[] {
    if (!this.#publish) return [];
    return [...this.#byToken].map(([token, operator]) => ({ token, operator }));
  }
}

/** The token of an Authorization header (`Bearer <token>`), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}
