/**
 * The schema the models describe, as plain data: tables with their columns
 * (database names), indexes and foreign keys. `createAll` builds it, and
 * `phial/migrate` diffs two of them to write a migration.
 */
import { createHash } from 'node:crypto'
import { columnName, type ColumnSpec, type ReferentialAction } from './column.ts'
import type { Model } from './model.ts'

/**
 * A column in a table state: the spec without the options that became
 * indexes or foreign keys.
 *
 * @example
 * ```ts
 * const c: ColumnState = { kind: 'string', length: 80, nullable: true }
 * ```
 */
export type ColumnState = Omit<ColumnSpec, 'name' | 'unique' | 'index' | 'references'>

/** An index (unique or not) over columns (database names). @example const i: IndexState = { name: 'ix_post_created', columns: ['created'] } */
export interface IndexState {
  readonly name: string
  readonly columns: readonly string[]
  readonly unique?: boolean
}

/**
 * A foreign key.
 *
 * @example
 * ```ts
 * const fk: ForeignKeyState = { name: 'fk_post_author_id_user', columns: ['author_id'], table: 'user', referencedColumns: ['id'] }
 * ```
 */
export interface ForeignKeyState {
  readonly name: string
  readonly columns: readonly string[]
  readonly table: string
  readonly referencedColumns: readonly string[]
  readonly onDelete?: ReferentialAction
  readonly onUpdate?: ReferentialAction
}

/** A unique constraint (a column's `unique: true`, a one-to-one's key). @example const u: UniqueState = { name: 'uq_user_username', columns: ['username'] } */
export interface UniqueState {
  readonly name: string
  readonly columns: readonly string[]
}

/** A table. @example state.tables.user.columns.username.kind // 'string' */
export interface TableState {
  readonly name: string
  readonly columns: Readonly<Record<string, ColumnState>>
  readonly indexes: readonly IndexState[]
  readonly uniques: readonly UniqueState[]
  readonly foreignKeys: readonly ForeignKeyState[]
}

/** The whole schema, tables by name. @example Object.keys(schemaState(models).tables) */
export interface SchemaState {
  readonly tables: Readonly<Record<string, TableState>>
}

/**
 * A constraint name that fits every database's 63-character limit: the readable
 * name, or its start and a hash when too long.
 *
 * @example
 * ```ts
 * constraintName('fk', 'post', ['author_id'], 'user') // 'fk_post_author_id_user'
 * ```
 */
export function constraintName(prefix: string, table: string, columns: readonly string[], suffix?: string): string {
  const name = [prefix, table, ...columns, ...(suffix ? [suffix] : [])].join('_')
  if (name.length <= 60) return name
  return `${name.slice(0, 50)}_${createHash('sha1').update(name).digest('hex').slice(0, 9)}`
}

/** Finds the model called `name`, or says which are known. @example modelNamed(models, 'User', 'Post.author') */
export function modelNamed(models: readonly Model[], name: string, where: string): Model {
  const found = models.find((m) => m.name === name)
  if (found === undefined) {
    throw new Error(`${where} points at the model '${name}', which is not registered (known: ${models.map((m) => m.name).join(', ') || 'none'}).`)
  }
  return found
}

/** The join table of an owning many-to-many relation: its name and columns. @example joinTableOf(Post, 'tags', models) */
export function joinTableOf(model: Model, property: string, models: readonly Model[]): { name: string; ownerColumn: string; targetColumn: string; target: Model } {
  const relation = model.relations[property]!
  const target = modelNamed(models, relation.target, `${model.name}.${property}`)
  const name = relation.joinTable ?? `${model.tableName}_${target.tableName}`
  let ownerColumn = `${model.tableName}_${dbPrimaryKey(model)}`
  let targetColumn = `${target.tableName}_${dbPrimaryKey(target)}`
  if (ownerColumn === targetColumn) targetColumn = `related_${targetColumn}` // a self-referencing many-to-many
  if (ownerColumn === targetColumn) ownerColumn = `owner_${ownerColumn}`
  return { name, ownerColumn, targetColumn, target }
}

/** The database name of a model's primary key. @example dbPrimaryKey(User) // 'id' */
export function dbPrimaryKey(model: Model): string {
  return columnName(model.primaryKey, model.columns[model.primaryKey]!)
}

/** The column a foreign key to `model`'s primary key has: the same type, not generated. */
function referencingColumn(model: Model, extra: Partial<ColumnState>): ColumnState {
  const { name: _n, unique: _u, index: _i, references: _r, primary: _p, default: _d, ...pk } = model.columns[model.primaryKey]! as ColumnSpec
  return { ...pk, kind: pk.kind === 'id' ? 'integer' : pk.kind, ...extra }
}

/**
 * The schema the models describe (Flask-SQLAlchemy's `db.metadata`).
 *
 * @example
 * ```ts
 * const state = schemaState([User, Post])
 * state.tables.post.foreignKeys[0].table // 'user'
 * ```
 */
export function schemaState(models: readonly Model[]): SchemaState {
  const tables: Record<string, TableState> = {}
  const add = (table: TableState): void => {
    if (tables[table.name] !== undefined) throw new Error(`Two models use the table '${table.name}'.`)
    tables[table.name] = table
  }
  for (const model of models) {
    const table = model.tableName
    const columns: Record<string, ColumnState> = {}
    const indexes: IndexState[] = []
    const uniques: UniqueState[] = []
    const foreignKeys: ForeignKeyState[] = []
    const dbName = (property: string): string => {
      const spec = model.columns[property]
      if (spec === undefined) throw new Error(`${model.name} has no column '${property}'.`)
      return columnName(property, spec)
    }
    for (const [property, spec] of Object.entries(model.columns)) {
      const name = columnName(property, spec)
      const { name: _n, unique, index, references, ...state } = spec as ColumnSpec
      columns[name] = state
      if (unique) uniques.push({ name: constraintName('uq', table, [name]), columns: [name] })
      else if (index) indexes.push({ name: constraintName('ix', table, [name]), columns: [name] })
      if (references) {
        const refColumns = [references.column ?? 'id']
        foreignKeys.push({
          name: constraintName('fk', table, [name], references.table),
          columns: [name],
          table: references.table,
          referencedColumns: refColumns,
          ...(references.onDelete && { onDelete: references.onDelete }),
          ...(references.onUpdate && { onUpdate: references.onUpdate }),
        })
      }
    }
    for (const index of model.indexes) {
      const names = index.columns.map(dbName)
      indexes.push({ name: index.name ?? constraintName(index.unique ? 'uq' : 'ix', table, names), columns: names, ...(index.unique && { unique: true }) })
    }
    for (const [property, relation] of Object.entries(model.relations)) {
      if (relation.column === undefined || (relation.kind !== 'many-to-one' && relation.kind !== 'one-to-one')) continue
      const target = modelNamed(models, relation.target, `${model.name}.${property}`)
      const local = dbName(relation.column)
      if (model.columns[relation.column]!.references) throw new Error(`${model.name}.${relation.column} has both references and the relation '${property}': keep one.`)
      foreignKeys.push({
        name: constraintName('fk', table, [local], target.tableName),
        columns: [local],
        table: target.tableName,
        referencedColumns: [dbPrimaryKey(target)],
        ...(relation.onDelete && { onDelete: relation.onDelete }),
      })
      if (relation.kind === 'one-to-one' && !uniques.some((u) => u.columns.length === 1 && u.columns[0] === local)) {
        uniques.push({ name: constraintName('uq', table, [local]), columns: [local] })
      }
    }
    add({ name: table, columns, indexes, uniques, foreignKeys })
  }
  for (const model of models) {
    for (const [property, relation] of Object.entries(model.relations)) {
      if (relation.kind !== 'many-to-many' || (relation.joinTable === undefined && relation.inverse !== undefined && isInverseSide(model, property, models))) continue
      const join = joinTableOf(model, property, models)
      add({
        name: join.name,
        columns: {
          [join.ownerColumn]: referencingColumn(model, { primary: true }),
          [join.targetColumn]: referencingColumn(join.target, { primary: true }),
        },
        // the indexes and keys TypeORM gives a join table (named by PhialNamingStrategy)
        indexes: [
          { name: constraintName('ix', join.name, [join.ownerColumn]), columns: [join.ownerColumn] },
          { name: constraintName('ix', join.name, [join.targetColumn]), columns: [join.targetColumn] },
        ],
        uniques: [],
        foreignKeys: [
          { name: constraintName('fk', join.name, [join.ownerColumn], model.tableName), columns: [join.ownerColumn], table: model.tableName, referencedColumns: [dbPrimaryKey(model)], onDelete: 'CASCADE', onUpdate: 'CASCADE' },
          { name: constraintName('fk', join.name, [join.targetColumn], join.target.tableName), columns: [join.targetColumn], table: join.target.tableName, referencedColumns: [dbPrimaryKey(join.target)], onDelete: 'CASCADE', onUpdate: 'CASCADE' },
        ],
      })
    }
  }
  return { tables }
}

/**
 * True when this many-to-many is the inverse side: it names no join table and
 * its target's `inverse` relation does.
 */
export function isInverseSide(model: Model, property: string, models: readonly Model[]): boolean {
  const relation = model.relations[property]!
  if (relation.joinTable !== undefined) return false
  const target = models.find((m) => m.name === relation.target)
  const back = relation.inverse === undefined ? undefined : target?.relations[relation.inverse]
  return back !== undefined && back.kind === 'many-to-many' && (back.joinTable !== undefined || (model.name > target!.name))
}
