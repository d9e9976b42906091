// `pnpm bench policies`: decisions/s and p50/p99 latency of the policy engine on a 200-rule set,
// against Cedar (cedar-wasm, preparsed policy set) on the equivalent Cedar policies, measured in
// interleaved rounds in one process so machine noise hits both alike. Prints JSON lines; the last
// is the summary with the throughput ratio (ours / Cedar).
import { createRequire } from 'node:module';
import { compilePolicySet, type AuthorizationRequest, type PolicyInput, type TenantAttributes } from '@auterity/core';

// cedar-wasm is a dev dependency of @auterity/core, so it is resolved from there; its Node build is
// CommonJS. Only the two calls the bench makes are typed here.
interface CedarUid {
  type: string;
  id: string;
}
interface CedarCall {
  principal: CedarUid;
  action: CedarUid;
  resource: CedarUid;
  context: Record<string, unknown>;
  preparsedPolicySetId: string;
  entities: { uid: CedarUid; attrs: Record<string, unknown>; parents: CedarUid[] }[];
}
interface CedarWasm {
  preparsePolicySet(id: string, policies: { staticPolicies: Record<string, string> }): { type: 'success' } | { type: 'failure'; errors: unknown[] };
  statefulIsAuthorized(call: CedarCall): { type: 'success'; response: { decision: 'allow' | 'deny' } } | { type: 'failure'; errors: unknown[] };
}
const cedar = createRequire(new URL('../packages/core/package.json', import.meta.url))('@cedar-policy/cedar-wasm/nodejs') as CedarWasm;

const ruleCount = 200;
const requestCount = 1000;
const rounds = 6;

// Deterministic PRNG (mulberry32), so every run measures the same set.
let seed = 0x5eed;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
const some = <T>(values: readonly T[], max: number): T[] => values.filter(() => random() < max / values.length);

const domains = ['workflow', 'billing', 'ai', 'member', 'policy', 'report', 'integration', 'secret', 'template', 'run'];
const verbs = ['read', 'create', 'update', 'delete', 'run', 'manage', 'export', 'share'];
const actions = domains.flatMap((domain) => verbs.map((verb) => `${domain}:${verb}`));
const roles = ['admin', 'editor', 'viewer', 'guest', 'finance', 'ops', 'support', 'auditor'];
const departments = ['sales', 'hr', 'eng', 'legal'];

// Each condition template is written once per engine.
interface ConditionTemplate {
  cel: string;
  cedar: string;
}
const conditionTemplates = (): ConditionTemplate => {
  const n = Math.floor(random() * 10);
  const dept = pick(departments);
  return pick<ConditionTemplate>([
    { cel: `principal.level >= ${n}`, cedar: `principal.level >= ${n}` },
    { cel: 'resource.owner == principal.id', cedar: 'resource.owner == principal' },
    { cel: `context.amount < ${n * 1000}`, cedar: `context.amount < ${n * 1000}` },
    { cel: '"legal" in principal.groups', cedar: 'principal.groups.contains("legal")' },
    { cel: `principal.department == "${dept}" && principal.level > ${n}`, cedar: `principal.department == "${dept}" && principal.level > ${n}` },
    { cel: `resource.meta.classification == "secret" && !(principal.level >= ${n})`, cedar: `resource.meta.classification == "secret" && !(principal.level >= ${n})` },
    { cel: `tenant.plan == "pro" || context.amount > ${n * 500}`, cedar: `context.tenant.plan == "pro" || context.amount > ${n * 500}` },
  ]);
};

interface BenchRule {
  effect: 'allow' | 'deny' | 'require_approval';
  actions: string[];
  resources: string[];
  roles: string[] | null;
  condition: ConditionTemplate | null;
}

const rules: BenchRule[] = Array.from({ length: ruleCount }, () => {
  const glob = random() < 0.15;
  const domain = pick(domains);
  const ruleRoles = random() < 0.7 ? some(roles, 1.5) : [];
  return {
    effect: random() < 0.7 ? 'allow' : random() < 0.7 ? 'deny' : 'require_approval',
    actions: glob ? [`${domain}:*`] : [pick(actions), ...(random() < 0.3 ? [pick(actions)] : [])],
    resources: random() < 0.5 ? ['*'] : [`${domain}:*`],
    roles: ruleRoles.length ? ruleRoles : null,
    condition: random() < 0.5 ? conditionTemplates() : null,
  };
});

const ours: PolicyInput = {
  id: 'bench',
  rules: rules.map((rule, index) => ({
    id: `r${index}`,
    effect: rule.effect,
    actions: rule.actions,
    resources: rule.resources,
    ...(rule.roles ? { roles: rule.roles } : {}),
    ...(rule.condition ? { condition: rule.condition.cel } : {}),
  })),
};

const anyOf = (clauses: string[]) => (clauses.length === 1 ? (clauses[0] as string) : `(${clauses.join(' || ')})`);
const cedarPolicies = Object.fromEntries(
  rules.map((rule, index) => {
    const exact = rule.actions.every((action) => !action.includes('*'));
    const scope = [
      rule.roles?.length === 1 ? `principal in Role::"${rule.roles[0]}"` : 'principal',
      exact ? `action in [${rule.actions.map((a) => `Action::"${a}"`).join(', ')}]` : 'action',
      'resource',
    ];
    const when: string[] = [];
    if (!exact) when.push(anyOf(rule.actions.map((a) => `context.action like "${a}"`)));
    if (!rule.resources.includes('*')) when.push(anyOf(rule.resources.map((r) => `resource.name like "${r}"`)));
    if (rule.roles && rule.roles.length > 1) when.push(anyOf(rule.roles.map((role) => `principal in Role::"${role}"`)));
    if (rule.condition) when.push(`(${rule.condition.cedar})`);
    const effect = rule.effect === 'allow' ? 'permit' : 'forbid';
    return [`r${index}`, `${effect}(${scope.join(', ')})${when.length ? ` when { ${when.join(' && ')} }` : ''};`];
  }),
);

interface BenchRequest {
  ours: { request: AuthorizationRequest; tenant: TenantAttributes };
  cedar: CedarCall;
}

const requests: BenchRequest[] = Array.from({ length: requestCount }, (_, index) => {
  const user = `u${index % 50}`;
  const owner = random() < 0.3 ? user : `u${Math.floor(random() * 50)}`;
  const action = pick(actions);
  const resource = `${pick(domains)}:r${Math.floor(random() * 1000)}`;
  const principal = { id: user, roles: some(roles, 1.5), level: Math.floor(random() * 10), department: pick(departments), groups: random() < 0.2 ? ['legal'] : [] };
  const meta = { classification: random() < 0.3 ? 'secret' : 'public' };
  const context = { amount: Math.floor(random() * 10_000) };
  const plan = random() < 0.5 ? 'pro' : 'free';
  return {
    ours: { request: { principal, action, resource: { id: resource, owner, meta }, context }, tenant: { id: 't1', plan } },
    cedar: {
      principal: { type: 'User', id: user },
      action: { type: 'Action', id: action },
      resource: { type: 'Resource', id: resource },
      context: { ...context, action, tenant: { plan } },
      preparsedPolicySetId: 'bench',
      entities: [
        {
          uid: { type: 'User', id: user },
          attrs: { level: principal.level, department: principal.department, groups: principal.groups },
          parents: principal.roles.map((role) => ({ type: 'Role', id: role })),
        },
        { uid: { type: 'Resource', id: resource }, attrs: { name: resource, owner: { __entity: { type: 'User', id: owner } }, meta }, parents: [] },
      ],
    },
  };
});

const policySet = compilePolicySet({ isv: [ours] });
const parsed = cedar.preparsePolicySet('bench', { staticPolicies: cedarPolicies });
if (parsed.type !== 'success') throw new Error(`cedar rejected the bench policies: ${JSON.stringify(parsed.errors)}`);

const decideOurs = (entry: BenchRequest) => policySet.evaluate(entry.ours.request, entry.ours.tenant).allowed;
const decideCedar = (entry: BenchRequest) => {
  const answer = cedar.statefulIsAuthorized(entry.cedar);
  if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
  return answer.response.decision === 'allow';
};

// Both engines must agree on the set being measured, or the comparison is meaningless.
let allowed = 0;
for (const entry of requests) {
  const a = decideOurs(entry);
  if (a !== decideCedar(entry)) throw new Error(`engines disagree on ${JSON.stringify(entry.ours.request)}`);
  if (a) allowed++;
}
console.log(JSON.stringify({ bench: 'policies', event: 'setup', rules: ruleCount, requests: requestCount, allowedShare: +(allowed / requestCount).toFixed(3) }));

const engines = { auterity: decideOurs, 'cedar-wasm': decideCedar } as const;
type EngineName = keyof typeof engines;
// Latency samples per engine, sized so the slower engine's share still takes a few seconds only.
const latencySamples: Record<EngineName, number> = { auterity: 20_000, 'cedar-wasm': 3_000 };

function throughput(decide: (entry: BenchRequest) => boolean): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (const entry of requests) if (decide(entry)) sink++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) console.log(sink);
  return requestCount / seconds;
}

for (const decide of Object.values(engines)) for (let i = 0; i < 2; i++) throughput(decide);

const rates: Record<EngineName, number[]> = { auterity: [], 'cedar-wasm': [] };
for (let round = 0; round < rounds; round++) {
  // Alternate which engine goes first, so neither always runs on a warmer or cooler machine.
  const order: EngineName[] = round % 2 === 0 ? ['auterity', 'cedar-wasm'] : ['cedar-wasm', 'auterity'];
  for (const name of order) {
    const rate = throughput(engines[name]);
    rates[name].push(rate);
    console.log(JSON.stringify({ bench: 'policies', round, impl: name, metric: 'decisions_per_s', value: Math.round(rate) }));
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
for (const name of Object.keys(engines) as EngineName[]) {
  const decide = engines[name];
  const samples: number[] = [];
  for (let i = 0; i < latencySamples[name]; i++) {
    const entry = requests[i % requestCount] as BenchRequest;
    const start = process.hrtime.bigint();
    decide(entry);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  console.log(JSON.stringify({ bench: 'policies', impl: name, metric: 'latency_us', p50: +quantile(samples, 0.5).toFixed(2), p99: +quantile(samples, 0.99).toFixed(2) }));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const value = median(rates.auterity);
const peerValue = median(rates['cedar-wasm']);
console.log(JSON.stringify({ bench: 'policies', metric: 'decisions_per_s', value: Math.round(value), unit: 'ops/s', peer: 'cedar-wasm', peerValue: Math.round(peerValue), ratio: +(value / peerValue).toFixed(2) }));
