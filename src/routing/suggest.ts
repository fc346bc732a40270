/**
 * "Did you mean …?" for unknown endpoint names.
 *
 * @module
 */

function distance(a: string, b: string): number {
  const row: number[] = []
  for (let j = 0; j <= b.length; j++) row.push(j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = up
    }
  }
  return row[b.length]
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
