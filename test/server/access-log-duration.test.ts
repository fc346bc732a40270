/**
 * The access line's `durationMs` text (millisText) is what
 * `String(Math.round(ms * 1000) / 1000)` wrote before it: the same shortest
 * form (`0.412`, `1.5`, `2`, `0`) for every duration a request can take.
 */
import { describe, expect, it } from 'vitest'
import { millisText } from '../../src/server/access-log.ts'

describe('millisText', () => {
  it('writes String(micros / 1000)', () => {
    const micros = [0, 1, 10, 100, 120, 999, 1000, 1001, 1010, 1100, 1500, 412, 12_300, 123_456_789, 86_400_000_000, 999_999_999_999_999]
    for (let i = 0; i < 20_000; i++) micros.push(Math.round(Math.random() * 10 ** (1 + (i % 13))))
    for (const us of micros) expect(millisText(us)).toBe(String(us / 1000))
  })

  it('matches the rounding of a measured duration', () => {
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.random() * 10 ** (i % 6)
      expect(millisText(Math.round(ms * 1000))).toBe(String(Math.round(ms * 1000) / 1000))
    }
  })
})
