/**
 * The TypeScript blocks of docs/migrations.md run as written: the quick start
 * app, its commands, the example revisions (applied on top of it, and
 * reverted), and the "in code" block.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const here = new URL('.', import.meta.url).pathname
const work = join(here, '.docs-run')
rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })
afterAll(() => rmSync(work, { recursive: true, force: true }))

const page = readFileSync(join(here, '../../../docs/migrations.md'), 'utf8')
const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)

describe('docs/migrations.md', () => {
  it('the quick start, the example revisions and the code block run', async () => {
    expect(blocks).toHaveLength(5)
    writeFileSync(join(work, 'app.ts'), blocks[0]!.replace('new Phial(import.meta.url)', `new Phial(import.meta.url, { instancePath: ${JSON.stringify(join(work, 'instance'))} })`))
    const { app, db, migrate } = await import(join(work, 'app.ts'))
    app.config.LOG_LEVEL = 'silent'
    const cli = app.testCliRunner()
    expect((await cli.invoke(['db', 'init'])).output).toBe("Created migrations: generate the first migration with 'phial db migrate -m \"message\"'.\n".replace('migrations', join(work, 'migrations').replace(process.cwd() + '/', '')))
    // the first revision at the time the page shows, so the examples' parents match
    await app.appContext(() => migrate.revision('Initial migration.', { now: new Date('2026-12-01T09:30:00Z') }))
    const up = await cli.invoke(['db', 'upgrade'])
    expect(up.output).toBe('Running upgrade <base> -> 20261201093000, Initial migration.\n')
    const names = ['20261201101500_add_email_to_users.ts', '20261201110000_rename_name.ts', '20261201113000_lower_case_emails.ts']
    blocks.slice(1, 4).forEach((source, i) => writeFileSync(join(work, 'migrations', 'versions', names[i]!), source))
    const more = await cli.invoke(['db', 'upgrade'])
    expect(more.exitCode, more.output).toBe(0)
    expect(more.output.trim().split('\n')).toEqual([
      'Running upgrade 20261201093000 -> 20261201101500, add email to users',
      'Running upgrade 20261201101500 -> 20261201110000, rename user.name to full_name',
      'Running upgrade 20261201110000 -> 20261201113000, lower-case e-mail addresses',
    ])
    const columns = await app.appContext(async () => (await db.execute('SELECT * FROM "user"')).rows)
    expect(columns).toEqual([])
    await app.appContext(async () => {
      const out: string[] = []
      const log = console.log
      console.log = (line: unknown) => void out.push(String(line))
      try {
        await new Function('app', 'migrate', `return (async () => { ${blocks[4]} })()`)(app, migrate)
      } finally {
        console.log = log
      }
      expect(out[0]).toBe('up to date')
    })
    expect((await cli.invoke(['db', 'downgrade', 'base'])).exitCode).toBe(0)
    expect((await cli.invoke(['db', 'current'])).output).toMatch(/^<base>/)
    await db.close(app)
  })
})
