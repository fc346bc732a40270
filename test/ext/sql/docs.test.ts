/**
 * Every TypeScript block of docs/sql.md runs as written: the quick start as
 * an app, the models as a module, and each snippet after them inside an app
 * context of an app that has those models (what the page says they assume).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const here = new URL('.', import.meta.url).pathname
const work = join(here, '.docs-run')
rmSync(work, { recursive: true, force: true })
mkdirSync(join(work, 'instance'), { recursive: true })
afterAll(() => rmSync(work, { recursive: true, force: true }))

const page = readFileSync(join(here, '../../../docs/sql.md'), 'utf8')
const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)

const IMPORTS = `import { Phial, flash, redirect, renderTemplate, request, urlFor } from 'phial'
import { SQL, column, defineModel, sql, type Row } from 'phial/sql'
`

describe('docs/sql.md', () => {
  it('has its blocks', () => {
    expect(blocks.length).toBeGreaterThan(8)
  })

  it('the quick start app works', async () => {
    writeFileSync(join(work, 'quickstart.ts'), blocks[0]!.replace("new Phial(import.meta.url)", `new Phial(import.meta.url, { instancePath: ${JSON.stringify(join(work, 'instance'))} })`))
    const { app, db } = (await import(join(work, 'quickstart.ts'))) as typeof import('./docs-types.ts')
    const client = app.testClient()
    const created = await client.post('/users/create', { form: { username: 'alice', email: 'a@example.com' } })
    expect(created.status).toBe(302)
    expect(created.location).toBe('/user/1')
    expect((await client.get('/user/1')).json).toEqual({ username: 'alice', email: 'a@example.com' })
    expect((await client.get('/user/2')).status).toBe(404)
    expect((await client.get('/users')).json).toEqual([{ username: 'alice' }])
    await db.close(app)
  })

  it('the models block defines working models', async () => {
    writeFileSync(join(work, 'models.ts'), blocks[1]!)
    const models = await import(join(work, 'models.ts'))
    expect(Object.keys(models).sort()).toEqual(['Author', 'Book', 'Genre'])
  })

  blocks.slice(2).forEach((block, i) => {
    it(`snippet ${i + 1} runs: ${block.split('\n')[0]}`, async () => {
      const name = `snippet${i}`
      writeFileSync(
        join(work, `${name}-prelude.ts`),
        `${IMPORTS}import { Author, Book, Genre } from './models.ts'
export const db = new SQL()
export const app = new Phial(import.meta.url, { name: '${name}', instancePath: ${JSON.stringify(join(work, 'instance', name))} })
app.config.LOG_LEVEL = 'silent'
export const User = db.defineModel('User', { id: column.id(), username: column.string({ unique: true }), email: column.string() })
db.register(Author, Book, Genre)
db.initApp(app)
export const username = 'bob', email = 'bob@example.com'
`,
      )
      const usesDefine = /defineModel|SQLALCHEMY_BINDS/.test(block)
      writeFileSync(
        join(work, `${name}.ts`),
        `${IMPORTS}import { app, db, User, username, email } from './${name}-prelude.ts'\nimport { Author, Book, Genre } from './models.ts'\n${usesDefine ? '' : 'await db.createAll()\n'}${block}\nexport const done = true\n`,
      )
      const prelude = await import(join(work, `${name}-prelude.ts`))
      const mod = await prelude.app.appContext(() => import(join(work, `${name}.ts`)))
      expect(mod.done).toBe(true)
      await prelude.db.close(prelude.app)
    })
  })
})
