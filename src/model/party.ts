/**
 * Parties (nations, by ISO 3166-1 alpha-3 trigraph) and their nodes. The trilateral set is USA, KOR and
 * JPN, but nothing here is limited to three: parties and nodes come from a topology file.
 */
import { z } from "zod";

/** ISO 3166-1 alpha-3 trigraph, upper case (USA, KOR, JPN, …). */
export const PartyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, "an ISO 3166-1 alpha-3 trigraph in upper case, such as USA, KOR or JPN");
export type PartyCode = z.infer<typeof PartyCode>;
