/**
 * The operations a migration's `up` / `down` call (Alembic's `op.*`), in two
 * implementations: {@link DatabaseOps} changes a database (through
 * phial/sql's SchemaEditor, on any of the three dialects), {@link StateOps}
 * replays them on a schema description — which is how `phial db migrate`
 * knows the schema the migrations build, without a database.
 */
import { constraintName, type ColumnState, type Dialect, type ForeignKeyState, type IndexState, type ReferentialAction, type SchemaEditor, type SchemaState, type SqlParameters, type TableState, type UniqueState } from 'phial/sql'

/**
 * Options of `op.createTable`.
 *
 * @example
 * ```ts
 * await op.createTable('tag', { id: column.id(), name: column.string({ length: 50 }) }, { uniques: [{ name: 'uq_tag_name', columns: ['name'] }] })
 * ```
 */
export interface CreateTableOptions {
  indexes?: readonly IndexState[]
  uniques?: readonly UniqueState[]
  foreignKeys?: readonly ForeignKeyState[]
}

/**
 * What a migration's `up` and `down` receive. Names are database names.
 *
 * @example
 * ```ts
 * export async function up(op: MigrationOps): Promise<void> {
 *   await op.addColumn('user', 'email', column.string({ length: 120, nullable: true }))
 *   await op.createUnique('user', 'uq_user_email', ['email'])
 * }
 * ```
 */
export interface MigrationOps {
  /** The database's dialect; null while `phial db migrate` replays the history (no database). */
  readonly dialect: Dialect | null
  createTable(name: string, columns: Readonly<Record<string, ColumnState>>, options?: CreateTableOptions): Promise<void>
  dropTable(name: string): Promise<void>
  renameTable(from: string, to: string): Promise<void>
  addColumn(table: string, name: string, column: ColumnState): Promise<void>
  dropColumn(table: string, name: string): Promise<void>
  /** Gives a column a new definition (type, length, nullability, default). */
  alterColumn(table: string, name: string, column: ColumnState): Promise<void>
  /** Renames a column and keeps its data (autogenerate sees a drop and an add: edit it into this). */
  renameColumn(table: string, from: string, to: string): Promise<void>
  createIndex(table: string, name: string, columns: readonly string[], options?: { unique?: boolean }): Promise<void>
  dropIndex(table: string, name: string): Promise<void>
  createUnique(table: string, name: string, columns: readonly string[]): Promise<void>
  dropUnique(table: string, name: string): Promise<void>
  createForeignKey(
    table: string,
    name: string,
    columns: readonly string[],
    referencedTable: string,
    referencedColumns: readonly string[],
    options?: { onDelete?: ReferentialAction; onUpdate?: ReferentialAction },
  ): Promise<void>
  dropForeignKey(table: string, name: string): Promise<void>
  /** Runs SQL with bound parameters (data migrations); nothing while replaying. */
  execute(sql: string, parameters?: SqlParameters): Promise<unknown[]>
}

const SEPARATE = ['unique', 'index', 'references', 'name'] as const

/** A column spec without the options that are separate operations in a migration. */
function columnState(where: string, spec: ColumnState): ColumnState {
  for (const key of SEPARATE) {
    if ((spec as Record<string, unknown>)[key] !== undefined && (spec as Record<string, unknown>)[key] !== false) {
      throw new Error(`${where}: '${key}' is a separate operation in a migration (op.createUnique, op.createIndex, op.createForeignKey; the name is the key).`)
    }
  }
  const { __type: _t, __optional: _o, ...rest } = spec as ColumnState & { __type?: unknown; __optional?: unknown }
  return rest
}

function tableState(name: string, columns: Readonly<Record<string, ColumnState>>, options: CreateTableOptions = {}): TableState {
  return {
    name,
    columns: Object.fromEntries(Object.entries(columns).map(([c, spec]) => [c, columnState(`createTable('${name}').${c}`, spec)])),
    indexes: options.indexes ?? [],
    uniques: options.uniques ?? [],
    foreignKeys: options.foreignKeys ?? [],
  }
}

/**
 * Applies operations to a database.
 *
 * @example
 * ```ts
 * await withEditor(engine, (editor) => migration.up(new DatabaseOps(editor)))
 * ```
 */
export class DatabaseOps implements MigrationOps {
  constructor(readonly editor: SchemaEditor) {}
  get dialect(): Dialect {
    return this.editor.dialect
  }
  createTable(name: string, columns: Readonly<Record<string, ColumnState>>, options?: CreateTableOptions): Promise<void> {
    return this.editor.createTable(tableState(name, columns, options))
  }
  dropTable(name: string): Promise<void> {
    return this.editor.dropTable(name)
  }
  async renameTable(from: string, to: string): Promise<void> {
    const uniques = await this.#conventionalUniques(from, () => true)
    await this.editor.renameTable(from, to)
    for (const cols of uniques) await this.#renameIndex(to, constraintName('uq', from, cols), constraintName('uq', to, cols))
  }
  addColumn(table: string, name: string, column: ColumnState): Promise<void> {
    return this.editor.addColumn(table, name, columnState(`addColumn('${table}', '${name}')`, column))
  }
  dropColumn(table: string, name: string): Promise<void> {
    return this.editor.dropColumn(table, name)
  }
  alterColumn(table: string, name: string, column: ColumnState): Promise<void> {
    return this.editor.alterColumn(table, name, columnState(`alterColumn('${table}', '${name}')`, column))
  }
  async renameColumn(table: string, from: string, to: string): Promise<void> {
    const uniques = await this.#conventionalUniques(table, (cols) => cols.includes(from))
    await this.editor.renameColumn(table, from, to)
    for (const cols of uniques) {
      await this.#renameIndex(table, constraintName('uq', table, cols), constraintName('uq', table, cols.map((c) => (c === from ? to : c))))
    }
  }

  /**
   * MySQL keeps unique constraints as unique indexes, which TypeORM's renames
   * leave alone; the other databases rename them. These are the column lists
   * of the ones to rename by hand, so every database ends with the same names.
   */
  async #conventionalUniques(table: string, involved: (columns: string[]) => boolean): Promise<string[][]> {
    if (this.editor.dialect !== 'mysql') return []
    const loaded = await this.editor.runner.getTable(table)
    return (loaded?.indices ?? [])
      .filter((i) => i.isUnique && involved(i.columnNames) && i.name === constraintName('uq', table, i.columnNames))
      .map((i) => i.columnNames)
  }

  async #renameIndex(table: string, from: string, to: string): Promise<void> {
    if (from !== to) await this.editor.runner.query(`ALTER TABLE \`${table}\` RENAME INDEX \`${from}\` TO \`${to}\``)
  }
  createIndex(table: string, name: string, columns: readonly string[], options: { unique?: boolean } = {}): Promise<void> {
    return this.editor.createIndex(table, { name, columns, ...(options.unique && { unique: true }) })
  }
  dropIndex(table: string, name: string): Promise<void> {
    return this.editor.dropIndex(table, name)
  }
  createUnique(table: string, name: string, columns: readonly string[]): Promise<void> {
    return this.editor.createUnique(table, { name, columns })
  }
  dropUnique(table: string, name: string): Promise<void> {
    return this.editor.dropUnique(table, name)
  }
  createForeignKey(table: string, name: string, columns: readonly string[], referencedTable: string, referencedColumns: readonly string[], options: { onDelete?: ReferentialAction; onUpdate?: ReferentialAction } = {}): Promise<void> {
    return this.editor.createForeignKey(table, { name, columns, table: referencedTable, referencedColumns, ...options })
  }
  dropForeignKey(table: string, name: string): Promise<void> {
    return this.editor.dropForeignKey(table, name)
  }
  async execute(sql: string, parameters?: SqlParameters): Promise<unknown[]> {
    const { bindParameters } = await import('phial/sql')
    const [text, values] = bindParameters(sql, parameters, this.editor.dialect)
    const result = await this.editor.runner.query(text, values)
    return Array.isArray(result) ? result : []
  }
}

type MutableTable = { name: string; columns: Record<string, ColumnState>; indexes: IndexState[]; uniques: UniqueState[]; foreignKeys: ForeignKeyState[] }

/**
 * Replays operations on a schema description (no database).
 *
 * @example
 * ```ts
 * const ops = new StateOps()
 * for (const m of chain) await m.up(ops)
 * ops.state // the schema at head
 * ```
 */
export class StateOps implements MigrationOps {
  readonly dialect = null
  readonly #tables = new Map<string, MutableTable>()

  /** The schema so far. */
  get state(): SchemaState {
    return { tables: Object.fromEntries([...this.#tables].map(([k, t]) => [k, structuredClone(t)])) }
  }

  #table(name: string, where: string): MutableTable {
    const table = this.#tables.get(name)
    if (table === undefined) throw new Error(`${where}: there is no table '${name}' at this point of the migration history.`)
    return table
  }

  #column(table: MutableTable, name: string, where: string): void {
    if (!(name in table.columns)) throw new Error(`${where}: the table '${table.name}' has no column '${name}' at this point of the migration history.`)
  }

  async createTable(name: string, columns: Readonly<Record<string, ColumnState>>, options?: CreateTableOptions): Promise<void> {
    if (this.#tables.has(name)) throw new Error(`createTable: the table '${name}' already exists at this point of the migration history.`)
    const t = tableState(name, columns, options)
    this.#tables.set(name, { name, columns: { ...t.columns }, indexes: [...t.indexes], uniques: [...t.uniques], foreignKeys: [...t.foreignKeys] })
  }
  async dropTable(name: string): Promise<void> {
    this.#table(name, 'dropTable')
    this.#tables.delete(name)
  }
  async renameTable(from: string, to: string): Promise<void> {
    const table = this.#table(from, 'renameTable')
    this.#tables.delete(from)
    // TypeORM renames the keys that carry the table's conventional name; so does the replay
    const rename = <T extends { name: string; columns: readonly string[] }>(c: T, prefix: string, suffix?: string): T =>
      c.name === constraintName(prefix, from, c.columns, suffix) ? { ...c, name: constraintName(prefix, to, c.columns, suffix) } : c
    table.name = to
    table.indexes = table.indexes.map((i) => rename(i, 'ix'))
    table.uniques = table.uniques.map((u) => rename(u, 'uq'))
    table.foreignKeys = table.foreignKeys.map((fk) => rename(fk, 'fk', fk.table))
    for (const other of this.#tables.values()) other.foreignKeys = other.foreignKeys.map((fk) => (fk.table === from ? { ...fk, table: to } : fk))
    this.#tables.set(to, table)
  }
  async addColumn(table: string, name: string, column: ColumnState): Promise<void> {
    const t = this.#table(table, 'addColumn')
    if (name in t.columns) throw new Error(`addColumn: '${table}.${name}' already exists at this point of the migration history.`)
    t.columns[name] = columnState(`addColumn('${table}', '${name}')`, column)
  }
  async dropColumn(table: string, name: string): Promise<void> {
    const t = this.#table(table, 'dropColumn')
    this.#column(t, name, 'dropColumn')
    delete t.columns[name]
    const keep = (c: { columns: readonly string[] }): boolean => !c.columns.includes(name)
    t.indexes = t.indexes.filter(keep)
    t.uniques = t.uniques.filter(keep)
    t.foreignKeys = t.foreignKeys.filter(keep)
  }
  async alterColumn(table: string, name: string, column: ColumnState): Promise<void> {
    const t = this.#table(table, 'alterColumn')
    this.#column(t, name, 'alterColumn')
    t.columns[name] = columnState(`alterColumn('${table}', '${name}')`, column)
  }
  async renameColumn(table: string, from: string, to: string): Promise<void> {
    const t = this.#table(table, 'renameColumn')
    this.#column(t, from, 'renameColumn')
    t.columns = Object.fromEntries(Object.entries(t.columns).map(([k, v]) => [k === from ? to : k, v]))
    const swap = (cols: readonly string[]): string[] => cols.map((c) => (c === from ? to : c))
    const rename = <T extends { name: string; columns: readonly string[] }>(c: T, prefix: string, suffix?: string): T => {
      if (!c.columns.includes(from)) return c
      const renamed = c.name === constraintName(prefix, table, c.columns, suffix) ? constraintName(prefix, table, swap(c.columns), suffix) : c.name
      return { ...c, name: renamed, columns: swap(c.columns) }
    }
    t.indexes = t.indexes.map((i) => rename(i, 'ix'))
    t.uniques = t.uniques.map((u) => rename(u, 'uq'))
    t.foreignKeys = t.foreignKeys.map((fk) => rename(fk, 'fk', fk.table))
    for (const other of this.#tables.values()) {
      other.foreignKeys = other.foreignKeys.map((fk) => (fk.table === table ? { ...fk, referencedColumns: swap(fk.referencedColumns) } : fk))
    }
  }
  async createIndex(table: string, name: string, columns: readonly string[], options: { unique?: boolean } = {}): Promise<void> {
    this.#table(table, 'createIndex').indexes.push({ name, columns: [...columns], ...(options.unique && { unique: true }) })
  }
  async dropIndex(table: string, name: string): Promise<void> {
    const t = this.#table(table, 'dropIndex')
    t.indexes = t.indexes.filter((i) => i.name !== name)
  }
  async createUnique(table: string, name: string, columns: readonly string[]): Promise<void> {
    this.#table(table, 'createUnique').uniques.push({ name, columns: [...columns] })
  }
  async dropUnique(table: string, name: string): Promise<void> {
    const t = this.#table(table, 'dropUnique')
    t.uniques = t.uniques.filter((u) => u.name !== name)
  }
  async createForeignKey(table: string, name: string, columns: readonly string[], referencedTable: string, referencedColumns: readonly string[], options: { onDelete?: ReferentialAction; onUpdate?: ReferentialAction } = {}): Promise<void> {
    this.#table(table, 'createForeignKey').foreignKeys.push({ name, columns: [...columns], table: referencedTable, referencedColumns: [...referencedColumns], ...options })
  }
  async dropForeignKey(table: string, name: string): Promise<void> {
    const t = this.#table(table, 'dropForeignKey')
    t.foreignKeys = t.foreignKeys.filter((fk) => fk.name !== name)
  }
  async execute(): Promise<unknown[]> {
    return []
  }
}
