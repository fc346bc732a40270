/**
 * Runs every ```ts block of a docs page as its own module, so the page's
 * examples (which assert what they claim with node:assert) keep working.
 * Shared by the cors and talisman docs tests (and security.md's).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

/** The ```ts blocks of a page with the line each starts on. */
export function tsBlocks(markdown: string): Array<{ line: number; code: string }> {
  const blocks: Array<{ line: number; code: string }> = []
  for (const m of markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length + 1, code: m[1]! })
  }
  return blocks
}

/** Declares a vitest suite that imports each block of `docs/<page>`; apps get a silent logger. */
export function runDocsPage(page: string, minimum = 1): void {
  const path = fileURLToPath(new URL(`../../../docs/${page}`, import.meta.url))
  const blocks = tsBlocks(readFileSync(path, 'utf8'))
  const outDir = mkdtempSync(join(tmpdir(), 'phial-docs-ext-'))
  afterAll(() => rmSync(outDir, { recursive: true, force: true }))

  describe(`docs/${page}`, () => {
    it('has examples', () => {
      expect(blocks.length).toBeGreaterThanOrEqual(minimum)
    })
    it.each(blocks.map((b, i) => [b.line, i, b.code] as const))('the example at line %i runs', async (_line, i, code) => {
      const file = join(outDir, `${page.replace(/\W/g, '_')}-${i}.ts`)
      const quiet = code.replace(/new Phial\(import\.meta\.url\)/g, "__quiet(new Phial(import.meta.url))")
      writeFileSync(file, `${quiet}\nexport {}\nfunction __quiet<T extends { config: { LOG_LEVEL: string } }>(app: T): T { app.config.LOG_LEVEL = 'silent'; return app }\n`)
      await import(file)
    })
  })
}
