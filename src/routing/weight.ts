/**
 * Werkzeug's ordering of the dynamic parts of rules: within one path
 * segment, parts with more static pieces come first, then longer static
 * pieces, then parts with more converters, then lower converter weights.
 *
 * @module
 */

/**
 * The sort key of one dynamic part (a path segment with converters, or the
 * rest of the path for a `path` converter).
 *
 * @example
 * ```ts
 * // 'v<int:n>' → { staticCount: 1, staticLengths: [1], argumentWeights: [50] }
 * const w: PartWeight = { staticCount: 1, staticLengths: [1], argumentWeights: [50] }
 * ```
 */
export interface PartWeight {
  /** How many static pieces the part has. */
  readonly staticCount: number
  /** The length of each static piece, in order. */
  readonly staticLengths: readonly number[]
  /** The weight of each converter, in order. */
  readonly argumentWeights: readonly number[]
}

/**
 * Compares two part weights; negative when `a` must be tried before `b`.
 * Equal weights keep insertion order (the sort is stable).
 *
 * @example
 * ```ts
 * const int = { staticCount: 0, staticLengths: [], argumentWeights: [50] }
 * const str = { staticCount: 0, staticLengths: [], argumentWeights: [100] }
 * compareWeights(int, str) < 0 // true: int before string
 * ```
 */
export function compareWeights(a: PartWeight, b: PartWeight): number {
  if (a.staticCount !== b.staticCount) return b.staticCount - a.staticCount
  const sa = a.staticLengths
  const sb = b.staticLengths
  for (let i = 0; i < sa.length && i < sb.length; i++) {
    if (sa[i] !== sb[i]) return sb[i] - sa[i]
  }
  if (sa.length !== sb.length) return sa.length - sb.length
  const wa = a.argumentWeights
  const wb = b.argumentWeights
  if (wa.length !== wb.length) return wb.length - wa.length
  for (let i = 0; i < wa.length; i++) {
    if (wa[i] !== wb[i]) return wa[i] - wb[i]
  }
  return 0
}
