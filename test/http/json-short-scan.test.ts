/**
 * Issue 14: parseJson skips the MAX_JSON_DEPTH / MAX_JSON_ITEMS scan of a
 * text too short to pass the limits as valid JSON, and scans it only when
 * JSON.parse refuses it. The outcome (value, or error class and message)
 * must be what scanning first gives, for every input.
 */
import { describe, expect, it } from 'vitest'
import { parseJson } from '../../src/http/body.ts'
import { DEPTH_EXCEEDED, ITEMS_EXCEEDED, scanJsonText } from '../../src/http/json-shape.ts'

/** The old order: the scan, then JSON.parse. */
function reference(text: string, maxDepth: number | null, maxItems: number | null): string {
  const found = scanJsonText(text, maxDepth, maxItems)
  if (found === DEPTH_EXCEEDED) return 'depth'
  if (found === ITEMS_EXCEEDED) return 'items'
  try {
    return 'ok ' + JSON.stringify(JSON.parse(text))
  } catch {
    return 'parse'
  }
}

function outcome(text: string, maxDepth: number | null, maxItems: number | null): string {
  try {
    return 'ok ' + JSON.stringify(parseJson(text, { maxDepth, maxItems }))
  } catch (err) {
    const m = (err as Error).message
    return m.includes('MAX_JSON_DEPTH') ? 'depth' : m.includes('MAX_JSON_ITEMS') ? 'items' : 'parse'
  }
}

describe('parseJson: the shape scan of short bodies', () => {
  it('gives the same answer as scanning first, on random short texts and small limits', () => {
    const alphabet = ['[', ']', '{', '}', ',', '1', '"a"', '"[,"', ':', ' ', '{"k":', '0']
    let seed = 14
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n)
    for (let i = 0; i < 20_000; i++) {
      let text = ''
      const parts = 1 + rand(24)
      for (let j = 0; j < parts; j++) text += alphabet[rand(alphabet.length)]
      const maxDepth = rand(5) === 0 ? null : rand(6) + (rand(3) === 0 ? 0.5 : 0)
      const maxItems = rand(5) === 0 ? null : rand(12)
      expect(outcome(text, maxDepth, maxItems), `${text} depth ${maxDepth} items ${maxItems}`).toBe(reference(text, maxDepth, maxItems))
    }
  })

  it('valid JSON at the bounds: nested as deep as allowed passes, one deeper does not', () => {
    expect(parseJson('[[]]', { maxDepth: 2 })).toEqual([[]])
    expect(() => parseJson('[[[]]]', { maxDepth: 2 })).toThrow(/MAX_JSON_DEPTH/)
    expect(() => parseJson('[[[', { maxDepth: 2 })).toThrow(/MAX_JSON_DEPTH/) // short and malformed: the scan's error
    expect(() => parseJson('[1,2,3]', { maxItems: 2 })).toThrow(/MAX_JSON_ITEMS/)
    expect(parseJson('[1,2]', { maxItems: 2 })).toEqual([1, 2])
  })
})
