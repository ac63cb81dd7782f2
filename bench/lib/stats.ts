// Small statistics for the detector benches: a proportion's confidence interval and quantiles.

/**
 * The Wilson score interval for `k` successes in `n` trials (default 95%, z = 1.96): unlike the normal
 * approximation it stays inside [0, 1] and is honest at 0/n and n/n, which small groups hit often.
 */
export function wilson(k: number, n: number, z = 1.96): { lo: number; hi: number } {
  if (n === 0) return { lo: 0, hi: 1 };
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** The q-quantile (0–1) of `xs`, linearly interpolated between the nearest ranks; NaN for no values. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}
