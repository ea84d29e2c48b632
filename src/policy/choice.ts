/**
 * Choosing among several agreements that all permit a release: deterministic and explained.
 */
import type { CompiledAgreement, Policy } from "./policy.ts";

/**
 * Orders agreements that all permit: narrower scope first (a purpose-built arrangement over a general
 * one), then the more recent, then by id, so the choice is deterministic and can be explained.
 */
function preference(x: CompiledAgreement, y: CompiledAgreement): number {
  return (
    x.breadth - y.breadth || y.inForceSince - x.inForceSince || x.agreement.id.localeCompare(y.agreement.id)
  );
}

function explainChoice(chosen: CompiledAgreement, others: CompiledAgreement[]): string {
  if (others.length === 0) return `only ${chosen.agreement.id} permits this release`;
  const scope = (c: CompiledAgreement) =>
    c.breadth === Number.POSITIVE_INFINITY ? "all topics" : `${c.breadth} topics`;
  const parts = others.map((o) => {
    if (chosen.breadth !== o.breadth)
      return `over ${o.agreement.id} (narrower scope: ${scope(chosen)} vs ${scope(o)})`;
    if (chosen.inForceSince !== o.inForceSince) return `over ${o.agreement.id} (more recent)`;
    return `over ${o.agreement.id} (by id)`;
  });
  return `chose ${chosen.agreement.id} ${parts.join(", ")}`;
}

/** The choice among a set of permitting agreements (a bit mask of their indices), computed once per set. */
interface Choice {
  best: number;
  alsoPermittedBy: string[];
  why: string;
}
const choiceCache = new WeakMap<Policy, Map<number, Choice>>();

function chooseAmong(policy: Policy, indices: number[]): Choice {
  const set = indices.map((i) => policy.agreements[i] as CompiledAgreement).sort(preference);
  const best = set[0] as CompiledAgreement;
  const others = set.slice(1);
  return {
    best: policy.agreements.indexOf(best),
    alsoPermittedBy: others.map((o) => o.agreement.id),
    why: explainChoice(best, others),
  };
}

/** The choice for a set of permitting agreements; cached by bit mask while there are at most 31 agreements. */
export function choose(policy: Policy, carriages: readonly (object | null)[]): Choice {
  const indices: number[] = [];
  let mask = 0;
  for (let i = 0; i < carriages.length; i++) {
    if (carriages[i]) {
      indices.push(i);
      mask |= 1 << i;
    }
  }
  if (carriages.length > 31) return chooseAmong(policy, indices);
  let cache = choiceCache.get(policy);
  if (!cache) {
    cache = new Map();
    choiceCache.set(policy, cache);
  }
  let choice = cache.get(mask);
  if (!choice) {
    choice = chooseAmong(policy, indices);
    cache.set(mask, choice);
  }
  return choice;
}
