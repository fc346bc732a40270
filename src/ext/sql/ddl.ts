/**
 * Schema changes from table states, on any of the three databases, through
 * TypeORM's query runner (which rebuilds SQLite tables where SQLite cannot
 * ALTER). Column definitions go through TypeORM's own metadata builder, so
 * what is created is exactly what TypeORM's schema diff expects.
 */
import type { DataSource, QueryRunner, TableColumnOptions } from 'typeorm'
import type { Dialect } from './entity.ts'
import { columnOptions } from './entity.ts'
import { loadTypeOrm } from './engine.ts'
import type { ColumnState, ForeignKeyState, IndexState, TableState, UniqueState } from './state.ts'

type Internals = {
  ConnectionMetadataBuilder: new (ds: DataSource) => { buildEntityMetadatas(e: unknown[]): Promise<Array<{ columns: unknown[] }>> }
  TableUtils: { createTableColumnOptions(column: unknown, driver: unknown): TableColumnOptions }
}
let internals: Promise<Internals> | undefined
function loadInternals(): Promise<Internals> {
  internals ??= Promise.all([
    import('typeorm/connection/ConnectionMetadataBuilder.js' as string),
    import('typeorm/schema-builder/util/TableUtils.js' as string),
  ]).then(([a, b]) => ({ ConnectionMetadataBuilder: a.ConnectionMetadataBuilder, TableUtils: b.TableUtils }))
  return internals
}

/**
 * Changes a database's schema (what migrations and `createAll` use). Names
 * are database names.
 *
 * @example
 * ```ts
 * const editor = new SchemaEditor(runner, dataSource, 'postgres')
 * await editor.addColumn('user', 'email', { kind: 'string', length: 120, nullable: true })
 * ```
 */
export class SchemaEditor {
  constructor(
    readonly runner: QueryRunner,
    readonly dataSource: DataSource,
    readonly dialect: Dialect,
  ) {}

  /** TypeORM's column definitions for these columns on this database. */
  async #columns(table: string, columns: Readonly<Record<string, ColumnState>>): Promise<TableColumnOptions[]> {
    const { EntitySchema } = await loadTypeOrm()
    const { ConnectionMetadataBuilder, TableUtils } = await loadInternals()
    const schema = new EntitySchema({
      name: `__phial_${table}`,
      tableName: table,
      columns: Object.fromEntries(Object.entries(columns).map(([name, spec]) => [name, columnOptions(spec, this.dialect)])),
    })
    const [metadata] = await new ConnectionMetadataBuilder(this.dataSource).buildEntityMetadatas([schema])
    return metadata!.columns.map((c) => TableUtils.createTableColumnOptions(c, this.dataSource.driver))
  }

  /** Creates a table with its indexes (and foreign keys unless `withForeignKeys` is false). @example await editor.createTable(state.tables.user) */
  async createTable(table: TableState, withForeignKeys = true): Promise<void> {
    const { Table, TableForeignKey, TableIndex, TableUnique } = await loadTypeOrm()
    // MySQL has no unique constraints apart from unique indexes (TypeORM models them so too)
    const uniqueIndexes = this.dialect === 'mysql' ? table.uniques.map((u) => ({ ...u, unique: true })) : []
    await this.runner.createTable(
      new Table({
        name: table.name,
        columns: await this.#columns(table.name, table.columns),
        indices: [...table.indexes, ...uniqueIndexes].map((i) => new TableIndex(indexOptions(i))),
        uniques: this.dialect === 'mysql' ? [] : table.uniques.map((u) => new TableUnique({ name: u.name, columnNames: [...u.columns] })),
        foreignKeys: withForeignKeys ? table.foreignKeys.map((fk) => new TableForeignKey(foreignKeyOptions(fk))) : [],
      }),
      false,
      withForeignKeys,
      true,
    )
  }

  /** Drops a table (its foreign keys first). @example await editor.dropTable('post') */
  async dropTable(name: string): Promise<void> {
    await this.runner.dropTable(name, false, true, true)
  }

  /** Renames a table. @example await editor.renameTable('posts', 'post') */
  async renameTable(from: string, to: string): Promise<void> {
    await this.runner.renameTable(from, to)
  }

  /** Adds a column. @example await editor.addColumn('user', 'email', { kind: 'string', nullable: true }) */
  async addColumn(table: string, name: string, spec: ColumnState): Promise<void> {
    const { TableColumn } = await loadTypeOrm()
    const [options] = await this.#columns(table, { [name]: spec })
    await this.runner.addColumn(table, new TableColumn(options!))
  }

  /** Drops a column. @example await editor.dropColumn('user', 'email') */
  async dropColumn(table: string, name: string): Promise<void> {
    await this.runner.dropColumn(table, name)
  }

  /** Renames a column, keeping its data. @example await editor.renameColumn('user', 'name', 'full_name') */
  async renameColumn(table: string, from: string, to: string): Promise<void> {
    await this.runner.renameColumn(table, from, to)
  }

  /**
   * Changes a column's type, length, nullability or default, keeping its data.
   * (TypeORM's changeColumn drops and re-adds a column whose type or length
   * changes on PostgreSQL and MySQL; here the type changes in place first.)
   *
   * @example
   * ```ts
   * await editor.alterColumn('user', 'email', { kind: 'string', length: 200 })
   * ```
   */
  async alterColumn(table: string, name: string, spec: ColumnState): Promise<void> {
    const { TableColumn } = await loadTypeOrm()
    const [options] = await this.#columns(table, { [name]: spec })
    const wanted = new TableColumn(options!)
    if (this.dialect !== 'sqlite') {
      const current = (await this.runner.getTable(table))?.findColumnByName(name)
      if (current === undefined) throw new Error(`alterColumn: the table '${table}' has no column '${name}'.`)
      const typeChanged =
        current.type !== wanted.type || (current.length ?? '') !== (wanted.length ?? '') || current.precision !== wanted.precision || current.scale !== wanted.scale
      if (typeChanged) {
        await this.#changeType(table, current, wanted)
        // hand TypeORM the table as it is now, not its cached copy with the old type
        const fresh = await this.runner.getTable(table)
        await this.runner.changeColumn(fresh!, name, wanted)
        return
      }
    }
    await this.runner.changeColumn(table, name, wanted)
  }

  /** ALTER … TYPE (PostgreSQL) / MODIFY (MySQL), converting the values instead of dropping them. */
  async #changeType(table: string, current: TableColumnOptions, wanted: TableColumnOptions): Promise<void> {
    const { TableColumn } = await loadTypeOrm()
    const driver = this.dataSource.driver
    const type = driver.createFullType(new TableColumn(wanted))
    const t = driver.escape(table)
    const c = driver.escape(wanted.name)
    if (this.dialect === 'postgres') {
      await this.runner.query(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${type} USING ${c}::${type}`)
    } else {
      // MODIFY restates the column: keep its nullability and default until changeColumn sets the new ones
      const nullability = current.isNullable ? 'NULL' : 'NOT NULL'
      const fallback = current.default === undefined || current.default === null ? '' : ` DEFAULT ${current.default}`
      await this.runner.query(`ALTER TABLE ${t} MODIFY ${c} ${type} ${nullability}${fallback}`)
    }
  }

  /** Creates an index (unique or not). @example await editor.createIndex('post', { name: 'ix_post_created', columns: ['created'] }) */
  async createIndex(table: string, index: IndexState): Promise<void> {
    const { TableIndex } = await loadTypeOrm()
    await this.runner.createIndex(table, new TableIndex(indexOptions(index)))
  }

  /** Drops an index. @example await editor.dropIndex('post', 'ix_post_created') */
  async dropIndex(table: string, name: string): Promise<void> {
    await this.runner.dropIndex(table, name)
  }

  /** Adds a unique constraint (a unique index on MySQL). @example await editor.createUnique('user', { name: 'uq_user_email', columns: ['email'] }) */
  async createUnique(table: string, unique: UniqueState): Promise<void> {
    if (this.dialect === 'mysql') return this.createIndex(table, { ...unique, unique: true })
    const { TableUnique } = await loadTypeOrm()
    await this.runner.createUniqueConstraint(table, new TableUnique({ name: unique.name, columnNames: [...unique.columns] }))
  }

  /** Drops a unique constraint. @example await editor.dropUnique('user', 'uq_user_email') */
  async dropUnique(table: string, name: string): Promise<void> {
    if (this.dialect === 'mysql') return this.dropIndex(table, name)
    await this.runner.dropUniqueConstraint(table, name)
  }

  /** Adds a foreign key. @example await editor.createForeignKey('post', fk) */
  async createForeignKey(table: string, fk: ForeignKeyState): Promise<void> {
    const { TableForeignKey } = await loadTypeOrm()
    await this.runner.createForeignKey(table, new TableForeignKey(foreignKeyOptions(fk)))
  }

  /** Drops a foreign key. @example await editor.dropForeignKey('post', 'fk_post_author_id_user') */
  async dropForeignKey(table: string, name: string): Promise<void> {
    await this.runner.dropForeignKey(table, name)
  }

  /** True when the table exists. @example if (!(await editor.hasTable('user'))) ... */
  hasTable(name: string): Promise<boolean> {
    return this.runner.hasTable(name)
  }
}

function indexOptions(index: IndexState): { name: string; columnNames: string[]; isUnique: boolean } {
  return { name: index.name, columnNames: [...index.columns], isUnique: index.unique === true }
}

function foreignKeyOptions(fk: ForeignKeyState): { name: string; columnNames: string[]; referencedTableName: string; referencedColumnNames: string[]; onDelete?: string; onUpdate?: string } {
  return {
    name: fk.name,
    columnNames: [...fk.columns],
    referencedTableName: fk.table,
    referencedColumnNames: [...fk.referencedColumns],
    // spelled out: MySQL's default is RESTRICT, which TypeORM would report as a change
    onDelete: fk.onDelete ?? 'NO ACTION',
    onUpdate: fk.onUpdate ?? 'NO ACTION',
  }
}

/**
 * Tables in an order where each comes after the tables it references
 * (self-references and cycles allowed: those keys are added afterwards).
 *
 * @example
 * ```ts
 * creationOrder(Object.values(state.tables)).map((t) => t.name) // ['user', 'post']
 * ```
 */
export function creationOrder(tables: readonly TableState[]): { ordered: TableState[]; deferred: Set<string> } {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const ordered: TableState[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const deferred = new Set<string>()
  const visit = (table: TableState): void => {
    if (state.get(table.name) === 'done') return
    state.set(table.name, 'visiting')
    for (const fk of table.foreignKeys) {
      const target = byName.get(fk.table)
      if (target === undefined || target === table) continue
      if (state.get(target.name) === 'visiting') deferred.add(table.name)
      else visit(target)
    }
    state.set(table.name, 'done')
    ordered.push(table)
  }
  for (const t of tables) visit(t)
  return { ordered, deferred }
}
