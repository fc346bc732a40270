/**
 * The commands a Conduit user runs: `phial db upgrade` creates the tables
 * from the committed migrations (and the models match them), `phial db seed`
 * adds demo data once, `phial db check` finds nothing to migrate.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { conduitFixture, type ConduitFixture } from './fixtures.ts'
import { migrate } from '../../../examples/conduit/db.ts'

let f: ConduitFixture
beforeEach(async () => {
  f = await conduitFixture()
})
afterEach(() => f.cleanup())

describe('phial db …', () => {
  it('upgrade leaves the database at the head, and the models need no new migration', async () => {
    const runner = f.app.testCliRunner()
    const upgrade = await runner.invoke(['db', 'upgrade'])
    expect(upgrade.exitCode, upgrade.output).toBe(0)
    const check = await runner.invoke(['db', 'check'])
    expect(check.exitCode, check.output).toBe(0)
    await f.app.appContext(async () => {
      const { revision, head } = await migrate.current()
      expect(revision).toBe(head)
      expect(await migrate.check()).toEqual([])
    })
  })

  it('seed adds demo users and articles, once', async () => {
    const runner = f.app.testCliRunner()
    const seeded = await runner.invoke(['db', 'seed'])
    expect(seeded.exitCode, seeded.output).toBe(0)
    expect(seeded.output).toContain('Seeded 3 users')
    const list = (await f.client.get('/api/articles')).json
    expect(list.articlesCount).toBe(3)
    expect(list.articles[0]).toMatchObject({ favoritesCount: 1, tagList: ['computing', 'debugging'] })
    const login = await f.client.post('/api/users/login', { json: { user: { email: 'jake@jake.jake', password: 'password' } } })
    expect(login.status).toBe(200)
    expect((await f.client.get('/api/articles/feed', f.auth(login.json.user.token))).json.articlesCount).toBe(1)
    const again = await runner.invoke(['db', 'seed'])
    expect(again.output).toContain('nothing seeded')
    expect((await f.client.get('/api/articles')).json.articlesCount).toBe(3)
  })
})
