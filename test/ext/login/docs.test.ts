/**
 * The runnable examples of docs/login.md and docs/principal.md: every ```ts block after
 * `<!-- run -->` is written to a module next to this file (so 'phial' and
 * 'phial/login' resolve as in the tests) and imported; the examples assert
 * what they show. Set PHIAL_DOCS_VERBOSE=1 to see what they print.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'

const docsDir = fileURLToPath(new URL('../../../docs/', import.meta.url))
const outDir = fileURLToPath(new URL('./', import.meta.url))
const written: string[] = []
afterAll(() => {
  for (const file of written) rmSync(file, { force: true })
})

function runnableBlocks(markdown: string): Array<{ line: number; code: string }> {
  const re = /^<!-- run -->\n```ts\n([\s\S]*?)^```$/gm
  return [...markdown.matchAll(re)].map((m) => ({ line: markdown.slice(0, m.index).split('\n').length + 2, code: m[1]! }))
}

describe.each(['login.md', 'principal.md'])('docs/%s', (page) => {
  const markdown = readFileSync(join(docsDir, page), 'utf8')
  const blocks = runnableBlocks(markdown)

  it('has runnable examples, and every ts block is one', () => {
    expect(blocks.length).toBeGreaterThan(4)
    // a ```ts block without <!-- run --> would be left unchecked
    const all = [...markdown.matchAll(/^```ts$/gm)].length
    expect(all).toBe(blocks.length + 1) // the import line at the top
  })

  it.each(blocks.map((b, i) => [b.line, i, b.code] as const))('the example at line %i runs', async (line, i, code) => {
    // a dot-file: outside the typecheck's globs, so the examples' interface merges do not meet
    const file = join(outDir, `.docs-${page.replace('.md', '')}-${i}.gen.ts`)
    written.push(file)
    const quiet = code.replace(/new Phial\(([^()]*(?:\([^()]*\))?[^()]*)\)/g, '__quiet(new Phial($1))')
    writeFileSync(file, `${quiet}\nfunction __quiet<T extends { config: { LOG_LEVEL: string } }>(app: T): T { app.config.LOG_LEVEL = 'silent'; return app }\n`)
    const logs: unknown[][] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args))
    try {
      await import(file)
    } finally {
      spy.mockRestore()
    }
    if (process.env.PHIAL_DOCS_VERBOSE) console.log(`${page}:${line}`, logs)
  })
})
