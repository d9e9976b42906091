// The same generated policy sets, written for Cedar and for Auterity, must agree on every request:
// same decision, and the same rules named as the reason (Cedar's diagnostics.reason).
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicySet } from '../../src/governance/policies/index.js';
import { requestArbitrary, ruleArbitrary, toAuterityPolicy, toCedarPolicies, toCedarRequest } from './cedar-model.js';

const policySets = 20;
const requestsPerSet = 500;

describe('differential against Cedar', () => {
  it(`agrees with cedar-wasm on ${policySets * requestsPerSet} generated requests`, () => {
    let compared = 0;
    let allowed = 0;
    fc.assert(
      fc.property(fc.array(ruleArbitrary, { minLength: 5, maxLength: 40 }), fc.array(requestArbitrary, { minLength: requestsPerSet, maxLength: requestsPerSet }), (rules, requests) => {
        const ours = compilePolicySet({ isv: [toAuterityPolicy('generated', rules)] });
        const policySetId = `set-${compared}`;
        const parsed = cedar.preparsePolicySet(policySetId, { staticPolicies: toCedarPolicies(rules) });
        if (parsed.type !== 'success') throw new Error(`cedar rejected the policies: ${JSON.stringify(parsed.errors)}`);
        for (const modelRequest of requests) {
          const decision = ours.evaluate(modelRequest.request, modelRequest.tenant);
          const answer = cedar.statefulIsAuthorized({ ...toCedarRequest(modelRequest), preparsedPolicySetId: policySetId } as cedar.StatefulAuthorizationCall);
          if (answer.type !== 'success') throw new Error(`cedar failed: ${JSON.stringify(answer.errors)}`);
          const { decision: cedarDecision, diagnostics } = answer.response;
          expect(diagnostics.errors).toEqual([]);
          expect(decision.errors).toEqual([]);
          expect(decision.allowed ? 'allow' : 'deny').toBe(cedarDecision);
          const reasons = decision.matched.filter((rule) => (decision.allowed ? rule.effect === 'allow' : rule.effect !== 'allow')).map((rule) => rule.ruleId);
          expect(reasons.sort()).toEqual([...diagnostics.reason].sort());
          compared++;
          if (decision.allowed) allowed++;
        }
      }),
      { seed: 20240607, numRuns: policySets, endOnFailure: true },
    );
    expect(compared).toBeGreaterThanOrEqual(10_000);
    // The generator must exercise both outcomes, or agreement would mean little.
    expect(allowed).toBeGreaterThan(compared * 0.05);
    expect(allowed).toBeLessThan(compared * 0.95);
  }, 60_000);
});
