/**
 * Column defaults that are falsy values (`false`, `0`, `''`) are kept: a boolean
 * column declared `default: false` gets that default in the table, so a row
 * inserted without it reads back `false` on every database.
 */
import { Phial } from 'phial'
import { SQL, column, defineModel } from 'phial/sql'
import { afterAll, describe, expect, it } from 'vitest'
import { skip, testDatabases } from './databases.ts'

const Flag = defineModel('SqlDefaultsFlag', {
  id: column.id(),
  label: column.string({ length: 40 }),
  isAdmin: column.boolean({ default: false }),
})

const dbs = await testDatabases('defaults')

describe.each(dbs)('falsy column defaults on $name', (target) => {
  if (skip(target)) return it.skip(`skipped: ${target.missing}`)
  const db = new SQL(undefined, { models: [Flag] })
  let app: Phial | undefined
  afterAll(async () => {
    if (app) await db.close(app)
    await target.cleanup()
  })

  it('keeps default: false in the table', async () => {
    await target.reset()
    app = new Phial(import.meta.url, { name: 'defaults' })
    app.config.fromMapping({ TESTING: true, DATABASE_URL: target.url, LOG_LEVEL: 'silent' })
    db.initApp(app)
    await app.appContext(async () => {
      await db.createAll()
      // raw SQL without the column: only the table's DEFAULT can fill it
      await db.execute(`INSERT INTO ${Flag.tableName} (label) VALUES (:label)`, { label: 'plain' })
      await db.session.commit()
      const rows = await db.session.find(Flag, {})
      expect(rows.map((r) => [r.label, Boolean(r.isAdmin)])).toEqual([['plain', false]])
    })
  })
})
