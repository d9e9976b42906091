// A/B experiments: sticky assignment by a stable hash of experiment id and subject, and the
// significance test over per-arm aggregates.
import { sha256Bytes } from '../../shared/hash.js';

/** The arm for `subject`: the same experiment and subject always get the same arm (for fixed arms and weights). */
export function assignArm<A extends { id: string; weight?: number | undefined }>(experimentId: string, subject: string, arms: readonly A[]): A {
  const digest = sha256Bytes(`${experimentId}\u0000${subject}`);
  const unit = digest.readUInt32BE(0) / 2 ** 32;
  const total = arms.reduce((sum, arm) => sum + (arm.weight ?? 1), 0);
  let point = unit * total;
  for (const arm of arms) {
    point -= arm.weight ?? 1;
    if (point < 0) return arm;
  }
  return arms[arms.length - 1] as A;
}

/** Per-arm aggregates: binary outcomes (`successes` of `n`) or numeric ones (mean and sample variance of `n`). */
export type ArmStats = { n: number; successes: number } | { n: number; mean: number; variance: number };

export interface ArmComparison {
  pValue: number;
  significant: boolean;
  /** 'z': two-proportion z-test; 'welch': Welch's t-test. */
  test: 'z' | 'welch';
  statistic: number;
  /** Welch–Satterthwaite degrees of freedom (Welch only). */
  df?: number;
}

/** Two-sided test of a difference between two arms at level `alpha` (default 0.05). */
export function compareArms(a: ArmStats, b: ArmStats, alpha = 0.05): ArmComparison {
  if ('successes' in a && 'successes' in b) {
    if (a.n <= 0 || b.n <= 0) return { pValue: 1, significant: false, test: 'z', statistic: 0 };
    const pa = a.successes / a.n;
    const pb = b.successes / b.n;
    const pooled = (a.successes + b.successes) / (a.n + b.n);
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
    if (se === 0) return { pValue: 1, significant: false, test: 'z', statistic: 0 };
    const z = (pa - pb) / se;
    const pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
    return { pValue, significant: pValue < alpha, test: 'z', statistic: z };
  }
  if ('mean' in a && 'mean' in b) {
    if (a.n < 2 || b.n < 2) return { pValue: 1, significant: false, test: 'welch', statistic: 0 };
    const va = a.variance / a.n;
    const vb = b.variance / b.n;
    const se = Math.sqrt(va + vb);
    if (se === 0) return { pValue: a.mean === b.mean ? 1 : 0, significant: a.mean !== b.mean, test: 'welch', statistic: 0 };
    const t = (a.mean - b.mean) / se;
    const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
    // Two-sided p for Student's t: I_{df/(df+t²)}(df/2, 1/2).
    const pValue = Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
    return { pValue, significant: pValue < alpha, test: 'welch', statistic: t, df };
  }
  throw new TypeError('compareArms: both arms must be binary ({ n, successes }) or both numeric ({ n, mean, variance })');
}

/** Upper tail of the standard normal. */
function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function erfc(x: number): number {
  // Numerical Recipes' erfc with Chebyshev coefficients (fractional error < 1.2e-7).
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let sum = c[0] as number;
  for (let i = 1; i < 9; i += 1) sum += (c[i] as number) / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Regularized incomplete beta I_x(a, b) (continued fraction, Numerical Recipes' betacf). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m += 1) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}
