/**
 * `createAll` / `dropAll` on one engine, and {@link withEditor}, the way to
 * change a schema outside any request's session.
 */
import { creationOrder, SchemaEditor } from './ddl.ts'
import type { Engine } from './engine.ts'

/**
 * Runs schema changes on their own connection (outside any request's
 * session; on SQLite, holding the database's lock).
 *
 * @example
 * ```ts
 * await withEditor(engine, (editor) => editor.addColumn('user', 'email', { kind: 'string', nullable: true }))
 * ```
 */
export async function withEditor<T>(engine: Engine, fn: (editor: SchemaEditor) => Promise<T>): Promise<T> {
  const release = engine.lock === null ? null : await engine.lock.acquire(engine.poolTimeoutMs)
  const runner = engine.dataSource.createQueryRunner()
  if (engine.lock === null) engine.instrument(runner, () => null)
  try {
    return await fn(new SchemaEditor(runner, engine.dataSource, engine.dialect))
  } finally {
    if (engine.lock === null) await runner.release()
    release?.()
  }
}

/**
 * Creates the tables of the engine's models that do not exist yet, each after
 * the tables it references (keys in a cycle are added afterwards).
 *
 * @example
 * ```ts
 * await createTables(await db.engine())
 * ```
 */
export async function createTables(engine: Engine): Promise<void> {
  await withEditor(engine, async (editor) => {
    const { ordered, deferred } = creationOrder(Object.values(engine.state.tables))
    const created: typeof ordered = []
    for (const table of ordered) {
      if (await editor.hasTable(table.name)) continue
      await editor.createTable(table, !deferred.has(table.name))
      created.push(table)
    }
    for (const table of created.filter((t) => deferred.has(t.name))) {
      for (const fk of table.foreignKeys) await editor.createForeignKey(table.name, fk)
    }
  })
}

/**
 * Drops the tables of the engine's models that exist: their foreign keys
 * first, so the order never matters.
 *
 * @example
 * ```ts
 * await dropTables(await db.engine())
 * ```
 */
export async function dropTables(engine: Engine): Promise<void> {
  await withEditor(engine, async (editor) => {
    const tables = creationOrder(Object.values(engine.state.tables)).ordered.reverse()
    for (const table of tables) {
      if (!(await editor.hasTable(table.name))) continue
      const loaded = await editor.runner.getTable(table.name)
      for (const fk of table.foreignKeys) {
        if (loaded?.foreignKeys.some((f) => f.name === fk.name)) await editor.dropForeignKey(table.name, fk.name)
      }
    }
    for (const table of tables) if (await editor.hasTable(table.name)) await editor.dropTable(table.name)
  })
}
