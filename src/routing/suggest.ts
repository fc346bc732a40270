/**
 * "Did you mean …?" for unknown endpoint names.
 *
 * @module
 */

/** Edit distance where swapping two neighbours counts as one edit. */
function distance(a: string, b: string): number {
  const d: number[][] = []
  for (let i = 0; i <= a.length; i++) {
    d.push([i])
    for (let j = 1; j <= b.length; j++) d[i].push(i === 0 ? j : 0)
  }
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1)
      d[i][j] = best
    }
  }
  return d[a.length][b.length]
}

/**
 * Up to three names close to `name` (edit distance, or one containing the
 * other), closest first.
 *
 * @example
 * ```ts
 * closeNames('usr', ['user', 'index', 'users']) // ['user']
 * ```
 */
export function closeNames(name: string, names: Iterable<string>): string[] {
  const scored: Array<[number, string]> = []
  const limit = Math.max(1, Math.floor(name.length * 0.4))
  const lower = name.toLowerCase()
  for (const candidate of names) {
    const c = candidate.toLowerCase()
    let d = distance(lower, c)
    if (d > limit && (c.endsWith('.' + lower) || lower.endsWith('.' + c))) d = limit
    if (d <= limit) scored.push([d, candidate])
  }
  scored.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1))
  return scored.slice(0, 3).map((s) => s[1])
}
