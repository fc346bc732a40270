/**
 * docs/from-flask.md, the porting guide: every question has a Flask snippet
 * (```python) followed by its Phial port (```ts after `<!-- run -->`), and
 * every port runs here as written. Each ts block is written into
 * test/docs/from-flask/ (where its templates/ and static/ fixtures live, so
 * `new Phial(import.meta.url)` finds them and 'phial' resolves as in the
 * tests) and imported; the values it prints with `console.log(x) // value`
 * are compared with those comments, and any `assert` in it must hold.
 * The blocks also typecheck under the project's strict tsconfig, since a
 * reader's editor checks them even where tsx would run them.
 */
import { execFile } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'

const page = fileURLToPath(new URL('../../docs/from-flask.md', import.meta.url))
const fixtureDir = fileURLToPath(new URL('./from-flask/', import.meta.url))
const markdown = readFileSync(page, 'utf8')
const written: string[] = []
afterAll(() => {
  for (const file of written) rmSync(file, { force: true })
})

interface Question { title: string; body: string; line: number }

/** The `## N. question` sections of the guide. */
function questions(): Question[] {
  const re = /^## (\d+)\. (.+)$/gm
  const heads = [...markdown.matchAll(re)]
  return heads.map((m, i) => {
    const end = i + 1 < heads.length ? heads[i + 1]!.index : markdown.indexOf('\n## ', m.index + 1)
    return { title: `${m[1]}. ${m[2]}`, body: markdown.slice(m.index, end === -1 ? undefined : end), line: markdown.slice(0, m.index).split('\n').length }
  })
}

function runnableBlocks(text: string): string[] {
  return [...text.matchAll(/^<!-- run -->\n```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
}

/** The `// …` comment after every console.log call (a space before `//`, so URLs in it stay whole), in order. */
function expectedOutputs(code: string): string[] {
  return code
    .split('\n')
    .filter((l) => /^\s*console\.log\(/.test(l) && /\)\s+\/\/ /.test(l))
    .map((l) => l.slice(l.search(/\)\s+\/\/ /)).replace(/^\)\s+\/\/ /, '').trim())
}

/** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens. */
function headingSlugs(text: string): string[] {
  const outsideCode = text.replace(/^```[\s\S]*?^```$/gm, '')
  return [...outsideCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'))
}

const all = questions()

describe('docs/from-flask.md', () => {
  it('answers the 58 questions, each with a Flask snippet, a runnable Phial port right after it and a topic link', () => {
    expect(all.map((q) => Number(q.title.split('.')[0]))).toEqual(Array.from({ length: 58 }, (_, i) => i + 1))
    for (const q of all) {
      expect(q.body, q.title).toMatch(/```python\n[\s\S]*?```\n\n(<!-- run -->\n)?```ts\n/)
      expect(q.body, q.title).toMatch(/\]\([a-z-]+\.md(#[a-z0-9-]+)?\)/)
    }
  })

  it('marks every ts block as runnable, so none escapes the test', () => {
    expect([...markdown.matchAll(/^```ts$/gm)].length).toBe(runnableBlocks(markdown).length)
  })

  it('links only to pages and headings that exist', () => {
    for (const [link, target, anchor] of markdown.matchAll(/\]\(([a-z-]+\.md)?(?:#([^)]*))?\)/g)) {
      const text = target ? readFileSync(join(page, '..', target), 'utf8') : markdown
      if (anchor) expect(headingSlugs(text), link).toContain(anchor)
    }
  })

  const cases = all.flatMap((q) => runnableBlocks(q.body).map((code, n) => [q.title, n, code] as const))
  it.each(cases)('%s (block %i) runs and prints what it says', async (title, n, code) => {
    const file = join(fixtureDir, `.q${title.split('.')[0]}-${n}.gen.ts`)
    written.push(file)
    // the examples' apps log nothing here (the access line would clutter the test output)
    const quiet = code.replace(/new Phial\(import\.meta\.url(, \{[^}]*\})?\)/g, '__quiet(new Phial(import.meta.url$1))')
    writeFileSync(file, `${quiet}\nfunction __quiet<T extends { config: { LOG_LEVEL: string } }>(app: T): T { app.config.LOG_LEVEL = 'silent'; return app }\n`)
    const printed: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map((a) => inspect(a, { breakLength: Infinity, depth: 6 })).join(' ')))
    try {
      await import(file)
    } finally {
      spy.mockRestore()
    }
    const expected = expectedOutputs(code)
    expect(printed).toEqual(expected)
  }, 30_000)

  it('every Phial snippet typechecks under the project tsconfig', async () => {
    const files = cases.map(([title, n, code]) => {
      const file = join(fixtureDir, `.tc-q${title.split('.')[0]}-${n}.gen.ts`)
      writeFileSync(file, `${code}\nexport {}\n`)                 // a module each: top-level await, own names
      written.push(file)
      return file
    })
    const project = join(fixtureDir, '.tsconfig.gen.json')
    written.push(project)
    writeFileSync(project, JSON.stringify({ extends: '../../../tsconfig.json', compilerOptions: { rootDir: '../../..' }, include: [], files }))
    const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url))
    const output = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', project]).then(
      () => '',
      (err: { stdout?: string }) => err.stdout ?? String(err),
    )
    expect(output).toBe('')
  }, 180_000)
})
