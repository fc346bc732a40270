/**
 * Runs a docs page's examples: every ```ts block marked `<!-- run -->` is
 * written next to the calling test (so 'phial' and 'phial/<ext>' resolve as
 * in the tests) and imported, and every console.log is checked against the
 * JavaScript literal in its `// comment`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { inspect } from 'node:util'
import { afterAll, describe, expect, it, vi } from 'vitest'

export function runnableBlocks(markdown: string): Array<{ line: number; code: string }> {
  const re = /^<!-- run -->\n```ts\n([\s\S]*?)^```$/gm
  return [...markdown.matchAll(re)].map((m) => ({ line: markdown.slice(0, m.index).split('\n').length + 2, code: m[1]! }))
}

/** The `// expected` comments of the console.log lines (at the end of the line, or alone on the next), in order. */
export function expectedOutputs(code: string): Array<string | null> {
  const lines = code.split('\n')
  const out: Array<string | null> = []
  lines.forEach((l, i) => {
    if (!/^\s*console\.log\(/.test(l)) return
    const same = /\)\s*\/\/\s*(.+)$/.exec(l)?.[1]?.trim()
    const next = /^\s*\/\/\s*(.+)$/.exec(lines[i + 1] ?? '')?.[1]?.trim()
    out.push(same ?? next ?? null)
  })
  return out
}

/** Runs a page's blocks; `dir` is where the generated modules go. */
export function docsSuite(page: string, dir: URL): void {
  const markdown = readFileSync(fileURLToPath(new URL(`../../../docs/${page}`, import.meta.url)), 'utf8')
  const blocks = runnableBlocks(markdown)
  const written: string[] = []
  afterAll(() => {
    for (const f of written) rmSync(f, { force: true })
  })
  describe(`docs/${page}`, () => {
    it('marks every TypeScript block as runnable (no fragments)', () => {
      expect(blocks.length).toBeGreaterThan(0)
      expect(blocks.length).toBe((markdown.match(/^```ts$/gm) ?? []).length)
    })
    it.each(blocks.map((b, i) => [b.line, i, b.code] as const))('the example at line %i runs and prints what it says', async (_line, i, code) => {
      const file = fileURLToPath(new URL(`./.docs-${page.replace('.md', '')}-${i}.gen.ts`, dir))
      written.push(file)
      const quiet = code.replace(/new Phial\(([^()]*(?:\([^()]*\))?[^()]*)\)/g, '__quiet(new Phial($1))')
      writeFileSync(file, `${quiet}\nfunction __quiet<T extends { config: { LOG_LEVEL: string } }>(app: T): T { app.config.LOG_LEVEL = 'silent'; return app }\n`)
      const logs: unknown[] = []
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        logs.push(args.length === 1 ? args[0] : args)
      })
      try {
        await import(file)
      } finally {
        spy.mockRestore()
      }
      const expected = expectedOutputs(code)
      expect(logs.length).toBe(expected.length)
      expected.forEach((want, k) => {
        // the comment is a JavaScript literal of the value printed (a trailing '(...)' explains it)
        if (want === null || want.startsWith('(')) return
        const literal = want.replace(/\s+\([^)]*\)$/, '')
        const value: unknown = new Function(`return (${literal})`)()
        expect(logs[k], `console.log #${k + 1}: ${inspect(logs[k])}`).toEqual(value)
      })
    })
  })
}

