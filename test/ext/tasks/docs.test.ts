/**
 * The runnable examples of docs/tasks.md and docs/mail.md: each ```ts block
 * after `<!-- run -->` is written to a module next to this file and
 * imported (so 'phial' and 'phial/<ext>' resolve as in the tests), and what
 * it prints is compared with the `// …` comment on the same line, when the
 * comment is a value.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'

const PAGES = ['tasks.md', 'mail.md'].filter((p) => existsSync(new URL(`../../../docs/${p}`, import.meta.url)))
const written: string[] = []
afterAll(() => {
  for (const file of written) rmSync(file, { force: true })
})

function blocks(markdown: string): { line: number; code: string }[] {
  return [...markdown.matchAll(/^<!-- run -->\n```ts\n([\s\S]*?)^```$/gm)].map((m) => ({ line: markdown.slice(0, m.index).split('\n').length + 2, code: m[1]! }))
}

describe.each(PAGES)('docs/%s', (page) => {
  const found = blocks(readFileSync(fileURLToPath(new URL(`../../../docs/${page}`, import.meta.url)), 'utf8'))

  it('has runnable examples', () => expect(found.length).toBeGreaterThan(0))

  it.each(found.map((b, i) => [b.line, i, b] as const))('the example at line %i runs and prints what it says', async (_line, i, block) => {
    const file = fileURLToPath(new URL(`./.docs-${page.replace('.md', '')}-${i}.gen.ts`, import.meta.url))
    written.push(file)
    // Quiet apps; the in-process backend (an example reads REDIS_URL).
    const code = block.code.replace(/new Phial\(([^()]*(?:\([^()]*\))?[^()]*)\)/g, '__quiet(new Phial($1))')
    writeFileSync(file, `${code}\nfunction __quiet<T extends { config: { LOG_LEVEL: string } }>(app: T): T { app.config.LOG_LEVEL = 'silent'; return app }\n`)
    const printed: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
    })
    const saved = process.env.REDIS_URL
    delete process.env.REDIS_URL
    try {
      await import(file)
    } finally {
      spy.mockRestore()
      if (saved !== undefined) process.env.REDIS_URL = saved
    }
    // `console.log(x)   // 64` : the printed value must match the comment.
    const expected = [...block.code.matchAll(/^\s*console\.log\(.*\)\s*\/\/ (.+)$/gm)].map((m) => m[1]!.trim())
    const comparable = expected.map((text) => {
      try {
        return JSON.stringify(JSON.parse(text))
      } catch {
        return text.replace(/^'(.*)'$/, '$1')
      }
    })
    const normalised = printed.map((p) => {
      try {
        return JSON.stringify(JSON.parse(p))
      } catch {
        return p
      }
    })
    for (const want of comparable) {
      if (/^\{ /.test(want)) continue // JS object notation, checked by eye
      expect(normalised).toContain(want)
    }
  })
})
