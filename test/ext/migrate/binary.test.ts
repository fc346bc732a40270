/**
 * `phial db …` through the real `phial` command (bin/phial.mjs), on the
 * reference blog: the group is on the app's CLI like Flask-Migrate's `flask db`.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const repo = new URL('../../../', import.meta.url).pathname
const scratch = mkdtempSync(join(tmpdir(), 'phial-db-cli-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function phial(...args: string[]): { status: number | null; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, PHIAL_CLI_FROM_SOURCE: '1', PHIAL_DATABASE: join(scratch, 'blog.sqlite'), LOG_LEVEL: 'silent', NO_COLOR: '1',
    // a fixed key and a scratch instance folder: on a fresh clone the blog would otherwise make
    // instance/secret_key on the first command and log that it did, into the output compared here
    SECRET_KEY: 'phial-db-cli-test-key-0123456789abcdef', BLOG_INSTANCE_PATH: scratch }
  delete env.DATABASE_URL
  const r = spawnSync(process.execPath, [join(repo, 'bin/phial.mjs'), '--app', 'examples/blog/app.ts', 'db', ...args], { cwd: repo, env, encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

describe('phial db on the blog', () => {
  it('current, upgrade, check, history, downgrade', () => {
    expect(phial('current')).toMatchObject({ status: 0, out: expect.stringMatching(/^<base> \(no migration applied; head is \d{14}\)\n$/) })
    // the blog's history: users and posts, then the admin role, then the users' e-mail addresses
    expect(phial('upgrade')).toMatchObject({
      status: 0,
      out: expect.stringMatching(/^Running upgrade <base> -> (\d{14}), users and posts\nRunning upgrade \1 -> (\d{14}), user roles\nRunning upgrade \2 -> \d{14}, user email\n$/),
    })
    expect(phial('check')).toEqual({ status: 0, out: 'No new upgrade operations detected.\n' })
    expect(phial('history').out).toMatch(/^(\d{14}) -> \d{14} \(head, current\), user email\n(\d{14}) -> \1, user roles\n<base> -> \2, users and posts\n$/)
    expect(phial('downgrade', 'nope')).toMatchObject({ status: 1, out: "Error: No revision 'nope' in the migrations folder (try 'phial db history').\n" })
    expect(phial('downgrade')).toMatchObject({ status: 0, out: expect.stringMatching(/^Running downgrade \d{14} -> \d{14}, user email\n$/) })
    expect(phial('current').out).toMatch(/^\d{14} \(head is \d{14}\), user roles\n$/)
    expect(phial('--help').out).toMatch(/upgrade \[revision\]\s+Upgrade to a later revision/)
  }, 120_000)
})
