/**
 * The runnable examples of the core docs: every ```ts block preceded by
 * `<!-- run -->` in the pages below is written to a temporary module and
 * imported, so the examples keep working as the code changes. Set
 * PHIAL_DOCS_VERBOSE=1 to see what they print next to their comments.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'

const PAGES = ['request-response.md', 'context.md', 'hooks-and-errors.md', 'testing.md', 'sessions.md', 'routing.md'].filter((p) => existsSync(new URL(`../../docs/${p}`, import.meta.url)))
const docsDir = fileURLToPath(new URL('../../docs/', import.meta.url))
const outDir = mkdtempSync(join(tmpdir(), 'phial-docs-'))
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

function runnableBlocks(markdown: string): Array<{ line: number; code: string }> {
  const blocks: Array<{ line: number; code: string }> = []
  const re = /^<!-- run -->\n```ts\n([\s\S]*?)^```$/gm
  for (const m of markdown.matchAll(re)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length + 2, code: m[1]! })
  }
  return blocks
}

describe.each(PAGES)('docs/%s', (page) => {
  const markdown = readFileSync(join(docsDir, page), 'utf8')
  const blocks = runnableBlocks(markdown)

  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThan(0)
  })

  it.each(blocks.map((b, i) => [b.line, i, b.code] as const))('the example at line %i runs', async (line, i, code) => {
    const file = join(outDir, `${page.replace('.md', '')}-${i}.ts`)
    // quiet loggers: examples create apps with the default log level (function declarations are hoisted)
    const quiet = code.replace(/new Phial\(([^()]*(?:\([^()]*\))?[^()]*)\)/g, '__quiet(new Phial($1))')
    writeFileSync(file, `${quiet}\nfunction __quiet<T extends { config: { LOG_LEVEL: string } }>(app: T): T { app.config.LOG_LEVEL = 'silent'; return app }\n`)
    const logs: unknown[][] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { logs.push(args) })
    try {
      await import(file)
    } finally {
      spy.mockRestore()
    }
    if (process.env.PHIAL_DOCS_VERBOSE) console.log(`${page}:${line}`, logs)
  })
})
