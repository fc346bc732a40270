/**
 * The runnable examples of docs/socketio.md and docs/websockets.md: every
 * ```ts block after `<!-- run -->` is written next to this file (so 'phial'
 * and its subpaths resolve as in the tests) and imported; the values each
 * prints are checked against the `// value` comments of its console.log lines.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inspect } from 'node:util'
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

/** The `// …` comment of every console.log line, in order. */
function expectedOutputs(code: string): string[] {
  return code
    .split('\n')
    .filter((l) => /^\s*console\.log\(/.test(l) && l.includes('//'))
    .map((l) => l.slice(l.lastIndexOf('//') + 2).trim())
}

describe.each(['socketio.md', 'websockets.md'])('docs/%s', (page) => {
  const markdown = readFileSync(join(docsDir, page), 'utf8')
  const blocks = runnableBlocks(markdown)

  it('every ts block is runnable', () => {
    expect(blocks.length).toBeGreaterThan(2)
    expect([...markdown.matchAll(/^```ts$/gm)].length).toBe(blocks.length)
  })

  it.each(blocks.map((b, i) => [b.line, i, b.code] as const))('the example at line %i runs and prints what it says', async (_line, i, code) => {
    const file = join(outDir, `.docs-${page.replace('.md', '')}-${i}.gen.ts`)
    written.push(file)
    const quiet = code.replace(/new Phial\(import\.meta\.url\)/g, '__quiet(new Phial(import.meta.url))')
    writeFileSync(file, `${quiet}\nfunction __quiet<T extends { config: { LOG_LEVEL: string } }>(app: T): T { app.config.LOG_LEVEL = 'silent'; return app }\n`)
    const printed: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map((a) => (typeof a === 'string' ? `'${a}'` : inspect(a, { breakLength: Infinity }))).join(' ')))
    try {
      await import(file)
    } finally {
      spy.mockRestore()
    }
    const expected = expectedOutputs(code)
    expect(printed.length).toBe(expected.length)
    printed.forEach((line, n) => {
      const want = expected[n]!
      if (want.endsWith(' twice')) expect(line).toBe(`${want.slice(0, -' twice'.length)} ${want.slice(0, -' twice'.length)}`)
      else expect(line).toBe(want)
    })
  }, 20_000)
})
