/**
 * The runnable examples of docs/caching.md and docs/server-sessions.md: every
 * ```ts block after `<!-- run -->` (or `<!-- run redis -->`, which needs
 * Redis) is written to a module next to this file and imported. Set
 * PHIAL_DOCS_VERBOSE=1 to see what they print next to their comments.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { REDIS_URL, redisUp, service } from './services.ts'

const PAGES = ['caching.md', 'server-sessions.md'].filter((p) => existsSync(new URL(`../../../docs/${p}`, import.meta.url)))
const docsDir = fileURLToPath(new URL('../../../docs/', import.meta.url))
// inside the repository, so that 'phial' and 'phial/<ext>' resolve as in the tests
const outDir = fileURLToPath(new URL('./', import.meta.url))
const written: string[] = []
const redis = await service('Redis', redisUp(), REDIS_URL)
afterAll(async () => {
  for (const file of written) rmSync(file, { force: true })
  if (!redis) return
  // the examples' sessions (their prefixes start with docs-)
  const { Redis } = await import('ioredis')
  const client = new Redis(REDIS_URL)
  const keys = await client.keys('docs-*')
  if (keys.length > 0) await client.del(...keys)
  client.disconnect()
})

function runnableBlocks(markdown: string): Array<{ line: number; code: string; needsRedis: boolean }> {
  const re = /^<!-- run( redis)? -->\n```ts\n([\s\S]*?)^```$/gm
  return [...markdown.matchAll(re)].map((m) => ({ line: markdown.slice(0, m.index).split('\n').length + 2, code: m[2]!, needsRedis: m[1] !== undefined }))
}

describe.each(PAGES)('docs/%s', (page) => {
  const blocks = runnableBlocks(readFileSync(join(docsDir, page), 'utf8'))

  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThan(0)
  })

  it.each(blocks.map((b, i) => [b.line, i, b] as const))('the example at line %i runs', async (line, i, block) => {
    if (block.needsRedis && !redis) return
    const file = join(outDir, `.docs-${page.replace('.md', '')}-${i}.gen.ts`)
    written.push(file)
    const quiet = block.code.replace(/new Phial\(([^()]*(?:\([^()]*\))?[^()]*)\)/g, '__quiet(new Phial($1))')
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
