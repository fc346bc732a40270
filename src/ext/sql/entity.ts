/**
 * Models → TypeORM `EntitySchema`s for one dialect. Column types are chosen
 * per database here (and nowhere else), so the same model runs on SQLite,
 * PostgreSQL and MySQL/MariaDB; names of indexes and foreign keys come from
 * {@link schemaState}, so TypeORM's own schema diff agrees with migrations.
 */
import type { EntitySchema, EntitySchemaColumnOptions, EntitySchemaOptions, EntitySchemaRelationOptions } from 'typeorm'
import { columnName, type ColumnKind, type ColumnSpec } from './column.ts'
import type { Model } from './model.ts'
import { constraintName, dbPrimaryKey, isInverseSide, joinTableOf, modelNamed, schemaState } from './state.ts'

/** The three families of SQL Phial speaks. @example const d: Dialect = 'postgres' */
export type Dialect = 'sqlite' | 'postgres' | 'mysql'

const TYPES: Record<Dialect, Record<ColumnKind, string>> = {
  sqlite: { id: 'integer', integer: 'integer', bigInteger: 'bigint', string: 'varchar', text: 'text', boolean: 'boolean', float: 'double precision', decimal: 'decimal', datetime: 'datetime', date: 'date', json: 'simple-json', createdAt: 'datetime', updatedAt: 'datetime' },
  postgres: { id: 'integer', integer: 'integer', bigInteger: 'bigint', string: 'varchar', text: 'text', boolean: 'boolean', float: 'double precision', decimal: 'decimal', datetime: 'timestamp', date: 'date', json: 'jsonb', createdAt: 'timestamp', updatedAt: 'timestamp' },
  mysql: { id: 'integer', integer: 'integer', bigInteger: 'bigint', string: 'varchar', text: 'text', boolean: 'boolean', float: 'double precision', decimal: 'decimal', datetime: 'datetime', date: 'date', json: 'json', createdAt: 'datetime', updatedAt: 'datetime' },
}

/**
 * TypeORM's options for one column on `dialect`.
 *
 * @example
 * ```ts
 * columnOptions({ kind: 'string', length: 80 }, 'postgres') // { type: 'varchar', length: 80, nullable: false }
 * ```
 */
export function columnOptions(spec: Omit<ColumnSpec, 'name'>, dialect: Dialect, name?: string): EntitySchemaColumnOptions {
  const options: EntitySchemaColumnOptions & Record<string, unknown> = { type: TYPES[dialect][spec.kind] as never, nullable: spec.nullable === true }
  if (name !== undefined) options.name = name
  if (spec.length !== undefined) options.length = spec.length
  if (spec.precision !== undefined) options.precision = spec.precision
  if (spec.scale !== undefined) options.scale = spec.scale
  if (spec.primary) options.primary = true
  if (spec.kind === 'id') options.generated = 'increment'
  if (spec.kind === 'createdAt') options.createDate = true
  if (spec.kind === 'updatedAt') options.updateDate = true
  if (spec.default !== undefined) {
    const value = spec.default
    options.default = value !== null && typeof value === 'object' ? () => value.sql : value
  }
  return options
}

/**
 * The EntitySchemas of `models` for `dialect`, targets resolved by model name.
 *
 * @example
 * ```ts
 * const schemas = entitySchemas([User, Post], 'sqlite', EntitySchema)
 * ```
 */
export function entitySchemas(models: readonly Model[], dialect: Dialect, Schema: typeof EntitySchema): EntitySchema[] {
  const state = schemaState(models)
  return models.map((model) => {
    const table = state.tables[model.tableName]!
    const columns: Record<string, EntitySchemaColumnOptions> = {}
    const propertyOf = new Map<string, string>()
    for (const [property, spec] of Object.entries(model.columns)) {
      const name = columnName(property, spec)
      propertyOf.set(name, property)
      columns[property] = columnOptions(spec, dialect, name === property ? undefined : name)
    }
    const relations: Record<string, EntitySchemaRelationOptions> = {}
    for (const [property, relation] of Object.entries(model.relations)) {
      const target = modelNamed(models, relation.target, `${model.name}.${property}`)
      const base = { target: target.name, type: relation.kind, ...(relation.inverse && { inverseSide: relation.inverse }), ...(relation.eager && { eager: true }) }
      if (relation.column !== undefined) {
        const local = columnName(relation.column, model.columns[relation.column]!)
        relations[property] = {
          ...base,
          nullable: model.columns[relation.column]!.nullable === true,
          ...(relation.onDelete && { onDelete: relation.onDelete }),
          joinColumn: { name: local, referencedColumnName: target.primaryKey, foreignKeyConstraintName: constraintName('fk', model.tableName, [local], target.tableName) },
        }
      } else if (relation.kind === 'many-to-many' && !isInverseSide(model, property, models)) {
        const join = joinTableOf(model, property, models)
        relations[property] = {
          ...base,
          joinTable: {
            name: join.name,
            joinColumn: { name: join.ownerColumn, referencedColumnName: model.primaryKey },
            inverseJoinColumn: { name: join.targetColumn, referencedColumnName: target.primaryKey },
          },
        }
      } else {
        relations[property] = base
      }
    }
    const foreignKeys = table.foreignKeys
      .filter((fk) => !Object.values(model.relations).some((r) => r.column !== undefined && columnName(r.column, model.columns[r.column]!) === fk.columns[0]))
      .map((fk) => {
        const target = models.find((m) => m.tableName === fk.table)
        if (target === undefined) throw new Error(`${model.name}: the foreign key ${fk.name} references the table '${fk.table}', which no registered model has.`)
        return {
          name: fk.name,
          target: target.name,
          columnNames: fk.columns.map((c) => propertyOf.get(c) ?? c),
          referencedColumnNames: fk.referencedColumns.map((c) => propertyOfColumn(target, c)),
          ...(fk.onDelete && { onDelete: fk.onDelete }),
          ...(fk.onUpdate && { onUpdate: fk.onUpdate }),
        }
      })
    const oneToOneColumns = new Set(
      Object.values(model.relations)
        .filter((r) => r.kind === 'one-to-one' && r.column !== undefined)
        .map((r) => columnName(r.column!, model.columns[r.column!]!)),
    )
    const options: EntitySchemaOptions<unknown> = {
      name: model.name,
      tableName: model.tableName,
      columns: columns as EntitySchemaOptions<unknown>['columns'],
      relations: relations as EntitySchemaOptions<unknown>['relations'],
      indices: table.indexes.map((index) => ({
        name: index.name,
        columns: index.columns.map((c) => propertyOf.get(c) ?? c),
        ...(index.unique && { unique: true }),
      })),
      // a one-to-one's unique key TypeORM adds by itself
      uniques: table.uniques
        .filter((u) => !oneToOneColumns.has(u.columns.join()))
        .map((u) => ({ name: u.name, columns: u.columns.map((c) => propertyOf.get(c) ?? c) })),
      foreignKeys: foreignKeys as EntitySchemaOptions<unknown>['foreignKeys'],
    }
    return new Schema(options)
  })
}

function propertyOfColumn(model: Model, name: string): string {
  for (const [property, spec] of Object.entries(model.columns)) if (columnName(property, spec) === name) return property
  return name === dbPrimaryKey(model) ? model.primaryKey : name
}
