/**
 * Test support: a COP server over the hand-made fixture exercise, with a fake wall clock and every
 * (nation × clearance) operator, built from the project's real classification schemes.
 */
import { loadProject } from "../config/project.ts";
import { buildServer, type CopServer } from "./app.ts";
import { type OperatorsFile, TokenFileAuthenticator } from "./auth.ts";
import { fixtureExercise } from "./cop.fixture.ts";

/** One operator per nation and clearance (and uncleared), token `t-<party>-<level|none>`. */
export function matrixOperators(): OperatorsFile {
  const { schemes } = loadProject();
  const operators: OperatorsFile["operators"] = [];
  for (const s of schemes) {
    operators.push({
      token: `t-${s.party}-none`,
      name: `${s.party} uncleared`,
      party: s.party,
      clearance: null,
    });
    for (const l of s.levels)
      operators.push({
        token: `t-${s.party}-${l.code}`,
        name: `${s.party} ${l.code}`,
        party: s.party,
        clearance: l.code,
      });
  }
  return { publishTokens: false, operators };
}

/** A fixture server with a fake wall clock (`wall.now`), not listening. */
export async function fixtureServer(
  options: { loop?: boolean; speed?: number } = {},
): Promise<CopServer & { wall: { now: number }; auth: TokenFileAuthenticator }> {
  const { schemes } = loadProject();
  const wall = { now: 1_000_000 };
  const auth = new TokenFileAuthenticator(matrixOperators(), schemes);
  const server = await buildServer({
    authenticator: auth,
    runner: async () => fixtureExercise(),
    initial: { scenarioId: "2022-10-04" },
    scenarios: [{ id: "2022-10-04", title: "fixture" }],
    speed: options.speed ?? 1,
    loop: options.loop ?? true,
    wall: () => wall.now,
    streamTickMs: 20,
  });
  await server.ready();
  return Object.assign(server, { wall, auth });
}
