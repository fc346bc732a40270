/**
 * A task uses phial/sql as a view does: each run has its own session (the
 * app context's), committed work stays, and a run that fails leaves nothing
 * behind (its session is rolled back at teardown).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { Phial } from 'phial'
import { SQL, column } from 'phial/sql'
import { Tasks, TaskFailedError } from 'phial/tasks'

const dir = mkdtempSync(join(tmpdir(), 'phial-tasks-sql-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('tasks read and write through db.session, one session per run', async () => {
  const db = new SQL()
  const User = db.defineModel('User', { id: column.id(), username: column.string({ unique: true }) })
  const tasks = new Tasks()
  const createUser = tasks.task('createUser', async (username: string) => {
    const user = await db.session.add(User, { username })
    await db.session.commit()
    return user.id
  })
  const createThenFail = tasks.task('createThenFail', async (username: string) => {
    await db.session.add(User, { username })
    throw new Error(`refusing ${username}`)
  })
  const app = new Phial(import.meta.url, { name: 'tasks_sql' })
  app.config.fromMapping({ LOG_LEVEL: 'silent', DATABASE_URL: `sqlite:///${join(dir, 'tasks.db')}` })
  db.initApp(app)
  tasks.initApp(app)
  await app.appContext(() => db.createAll())

  const id = await (await createUser.delay('ada')).get({ timeout: 10 })
  expect(typeof id).toBe('number')
  await expect((await createThenFail.delay('mallory')).get({ timeout: 10 })).rejects.toThrow(TaskFailedError)
  const names = await app.appContext(async () => (await db.session.find(User, { order: { username: 'ASC' } })).map((u) => u.username))
  expect(names).toEqual(['ada'])
  await tasks.close()
  await db.close(app)
})
