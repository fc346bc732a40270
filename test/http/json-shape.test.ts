import { describe, expect, it } from 'vitest'
import { DEPTH_EXCEEDED, ITEMS_EXCEEDED, WASM_SCAN_MIN_BYTES, scanJson, scanJsonText } from '../../src/http/json-shape.ts'

/** A random JSON-ish text (valid or not: the scan must agree on anything). */
function randomText(size: number, seed: number): string {
  let x = seed
  const rnd = (): number => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
  const pieces = ['[', ']', '{', '}', ',', ':', ' ', '\n', '"a"', '"\\""', '"\\\\"', '"é"', '1', 'true', '"x,y[z"', '\\', '"']
  let s = ''
  while (s.length < size) s += pieces[Math.floor(rnd() * pieces.length)]
  return s
}

/** Padding that the scan ignores, to reach the WebAssembly path. */
const pad = (s: string): string => s + ' '.repeat(WASM_SCAN_MIN_BYTES)

describe('the JSON shape scan', () => {
  it('counts elements and members, strings skipped', () => {
    expect(scanJsonText('[]', null, null)).toBe(0)
    expect(scanJsonText('[ 1 , 2 ]', null, null)).toBe(2)
    expect(scanJsonText('{"a":[{},[],"x\\"y",3]}', null, null)).toBe(5)
    expect(scanJsonText('[[],[[]],{}]', null, null)).toBe(4)
    expect(scanJsonText('["[,{", "\\\\", 1]', null, null)).toBe(3)
  })

  it('reports the first limit passed: the depth of a "[" before its count', () => {
    expect(scanJsonText('[[[1]]]', 2, null)).toBe(DEPTH_EXCEEDED)
    expect(scanJsonText('[[[1]]]', 3, null)).toBe(3)
    expect(scanJsonText('[1,2,3]', null, 2)).toBe(ITEMS_EXCEEDED)
    expect(scanJsonText('[[[1]]]', 1, 0)).toBe(DEPTH_EXCEEDED)
    expect(scanJsonText('[1,[2]]', null, 1)).toBe(ITEMS_EXCEEDED)
  })

  it('gives the same answer in WebAssembly over the bytes as in JavaScript over the text', () => {
    const limits: [number | null, number | null][] = [[null, null], [3, null], [null, 5], [2, 2], [64, 100_000]]
    for (let seed = 1; seed <= 300; seed++) {
      const text = pad(randomText(1 + (seed % 200), seed))
      const bytes = Buffer.from(text)
      for (const [depth, items] of limits) {
        expect(scanJson(bytes, text, depth, items), `seed ${seed} limits ${depth}/${items}`).toBe(scanJsonText(text, depth, items))
      }
    }
  })

  it('scans a long body in WebAssembly (its memory grows to fit)', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'] }))
    const text = JSON.stringify(items)
    const bytes = Buffer.from(text)
    expect(scanJson(bytes, text, 64, null)).toBe(20_000 + 20_000 * 3 + 20_000 * 2)
    expect(scanJson(bytes, text, 64, 1000)).toBe(ITEMS_EXCEEDED)
    expect(scanJson(bytes, text, 1, null)).toBe(DEPTH_EXCEEDED)
  })
})
