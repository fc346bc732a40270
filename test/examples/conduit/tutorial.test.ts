/**
 * docs/tutorial-api.md quotes the app: a block after `<!-- file: path -->`
 * is that whole file, and one after `<!-- excerpt: path -->` appears in it
 * word for word. When the app changes, the tutorial must change with it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../../..')
const tutorial = readFileSync(join(root, 'docs/tutorial-api.md'), 'utf8')

interface Quote {
  kind: 'file' | 'excerpt'
  path: string
  code: string
}

/** The quotes of the tutorial: a marker, then a fenced block (``` or ````). */
function quotes(text: string): Quote[] {
  const found: Quote[] = []
  const marker = /<!-- (file|excerpt): (\S+) -->\n(`{3,})[a-z]*\n/g
  for (let m = marker.exec(text); m !== null; m = marker.exec(text)) {
    const start = m.index + m[0].length
    const end = text.indexOf(`\n${m[3]}\n`, start - 1)
    if (end === -1) throw new Error(`The quote of ${m[2]} has no closing fence.`)
    found.push({ kind: m[1] as Quote['kind'], path: m[2]!, code: text.slice(start, end) })
  }
  return found
}

describe('docs/tutorial-api.md', () => {
  const all = quotes(tutorial)

  it('quotes the app', () => {
    expect(all.length).toBeGreaterThan(10)
    expect(all.filter((q) => q.kind === 'file').map((q) => q.path)).toContain('examples/conduit/app.ts')
  })

  for (const [i, q] of all.entries()) {
    it(`quote ${i + 1}: ${q.kind} ${q.path} matches the file`, () => {
      const source = readFileSync(join(root, q.path), 'utf8')
      if (q.kind === 'file') expect(q.code).toBe(source.replace(/\n$/, ''))
      else expect(source.includes(q.code), `not found in ${q.path}:\n${q.code}`).toBe(true)
    })
  }
})
