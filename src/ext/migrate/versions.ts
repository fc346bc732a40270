/**
 * The database's side of the history: the one-row version table, and a
 * step (one revision's up or down) run in a transaction with its update.
 */
import type { QueryRunner } from 'typeorm'
import { withEditor, type Engine } from 'phial/sql'
import { DatabaseOps } from './ops.ts'
import { MigrationError } from './revisions.ts'

/**
 * The revision recorded in `table`, or null (no table, or no row: base).
 *
 * @example
 * ```ts
 * await readRevision(await db.engine(), 'phial_version') // '20261201093000'
 * ```
 */
export async function readRevision(engine: Engine, table: string): Promise<string | null> {
  return withEditor(engine, async (editor) => {
    if (!(await editor.hasTable(table))) return null
    const rows = (await editor.runner.query(`SELECT revision FROM ${table}`)) as Array<{ revision: string }>
    if (rows.length > 1) throw new MigrationError(`The table ${table} holds ${rows.length} revisions; it should hold one. Fix it with 'phial db stamp <revision>'.`)
    return rows[0]?.revision ?? null
  })
}

/**
 * Records `revision` (null: base) in `table`, creating the table when needed.
 *
 * @example
 * ```ts
 * await writeRevision(runner, 'phial_version', '20261201093000')
 * ```
 */
export async function writeRevision(runner: QueryRunner, table: string, revision: string | null): Promise<void> {
  if (!(await runner.hasTable(table))) await runner.query(`CREATE TABLE ${table} (revision VARCHAR(32) NOT NULL PRIMARY KEY)`)
  await runner.query(`DELETE FROM ${table}`)
  // ids are digits only (checked when loading), so the literal is safe on every database
  if (revision !== null) await runner.query(`INSERT INTO ${table} (revision) VALUES ('${revision.replace(/[^0-9]/g, '')}')`)
}

/**
 * Runs one step in a transaction (MySQL commits DDL by itself) with SQLite's
 * foreign-key checks off for table rebuilds, and records the new revision.
 *
 * @example
 * ```ts
 * await runStep(engine, 'phial_version', (op) => revision.up(op), revision.revision)
 * ```
 */
export async function runStep(engine: Engine, table: string, run: (ops: DatabaseOps) => Promise<void>, revision: string | null): Promise<void> {
  await withEditor(engine, async (editor) => {
    const runner = editor.runner
    await runner.beforeMigration()
    try {
      await runner.startTransaction()
      try {
        await run(new DatabaseOps(editor))
        await writeRevision(runner, table, revision)
        await runner.commitTransaction()
      } catch (err) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined)
        throw err
      }
    } finally {
      await runner.afterMigration()
    }
  })
}
