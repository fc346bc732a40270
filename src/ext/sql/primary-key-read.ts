/**
 * `session.get(Model, id)` without TypeORM's query builder on every call.
 *
 * TypeORM builds the SQL of `findOne({ where: { id } })` anew each time
 * (find options → aliases → escaping → the text: about half of a primary-key
 * read's CPU). SQLAlchemy caches compiled statements for the same reason.
 * Here the statement is built once per model by TypeORM itself, with a marker
 * where the key goes; each call runs it with the key bound and hydrates the
 * rows with TypeORM's own transformer, on the same expression map — so the
 * row object is the one `findOne` gives.
 *
 * Only where that is provably the same as `findOne`: one primary column
 * without a value transformer, no eager relations or relation ids,
 * no soft-delete column, no embedded columns, no after-load listeners and
 * no subscribers. Any other model (and any call with find options, or a key
 * that is not a string or a number — TypeORM drops an undefined
 * condition, so that case must keep its meaning) takes `findOne`.
 */
import type { DataSource, EntityMetadata, QueryRunner } from 'typeorm'
import type { QueryExpressionMap } from 'typeorm/query-builder/QueryExpressionMap.js'
import type { RawSqlResultsToEntityTransformer } from 'typeorm/query-builder/transformer/RawSqlResultsToEntityTransformer.js'

/** Where the key goes, while TypeORM builds the statement: a value no caller passes. */
const MARKER = '\u0000phial-primary-key\u0000'

/** TypeORM's row transformer (internal to TypeORM, reached by its file path). */
export type Transformer = typeof RawSqlResultsToEntityTransformer
let transformer: Promise<Transformer | null> | undefined

/** Loads the transformer once; null when this TypeORM has none at that path (every read then takes findOne). */
export function loadTransformer(): Promise<Transformer | null> {
  transformer ??= import('typeorm/query-builder/transformer/RawSqlResultsToEntityTransformer.js')
    .then((m) => m.RawSqlResultsToEntityTransformer ?? null)
    .catch(() => null)
  return transformer
}

/** A model's prepared primary-key read. */
export interface PrimaryKeyRead {
  readonly sql: string
  /** The statement's parameters, with the key's place marked by {@link index}. */
  readonly parameters: readonly unknown[]
  readonly index: number
  /** The query builder's expression map, which the transformer reads (never written after it is built). */
  readonly expressionMap: QueryExpressionMap
  readonly Transformer: Transformer
}

/**
 * The prepared read of `entity` by primary key, or null when the model is
 * not one where it gives exactly what `findOne` gives (see the module doc).
 *
 * @example
 * ```ts
 * const read = preparePrimaryKeyRead(dataSource, 'Post', 'id', (await loadTransformer())!)
 * ```
 */
export function preparePrimaryKeyRead(dataSource: DataSource, entity: string, primaryKey: string, Transformer: Transformer): PrimaryKeyRead | null {
  const metadata = dataSource.getMetadata(entity)
  const [primary, ...others] = metadata.primaryColumns
  if (primary === undefined || others.length > 0 || primary.propertyName !== primaryKey || primary.transformer !== undefined) return null
  // TypeORM's query-result cache (`cache` in the DataSource options) is findOne's to consult
  if (!hydratesPlainly(metadata) || dataSource.subscribers.length > 0 || dataSource.queryResultCache !== undefined) return null
  const qb = dataSource.createQueryBuilder(entity, metadata.name).setFindOptions({ where: { [primaryKey]: MARKER }, take: 1 })
  // as getOne does before it builds the statement (it then selects every primary column)
  qb.expressionMap.queryEntity = true
  const [sql, parameters] = qb.getQueryAndParameters()
  const index = parameters.indexOf(MARKER)
  if (index === -1 || parameters.lastIndexOf(MARKER) !== index || sql.includes(MARKER)) return null
  return { sql, parameters, index, expressionMap: qb.expressionMap, Transformer }
}

/**
 * True when TypeORM's transformer alone gives an entity's rows as `find`
 * does: no eager relations or relation ids (loaded by extra queries), no
 * soft-delete column (a condition find adds), no embedded columns, no
 * after-load listeners. The prepared reads and finds hold to it.
 *
 * @example
 * ```ts
 * hydratesPlainly(dataSource.getMetadata('Post')) // true for a model of columns and relations
 * ```
 */
export function hydratesPlainly(metadata: EntityMetadata): boolean {
  return (
    metadata.eagerRelations.length === 0 &&
    metadata.relationIds.length === 0 &&
    metadata.deleteDateColumn === undefined &&
    metadata.embeddeds.length === 0 &&
    metadata.afterLoadListeners.length === 0
  )
}

/** True for a key the prepared read binds as `findOne` would (not undefined, null, an object…). */
export function isPlainKey(id: unknown): boolean {
  return typeof id === 'number' || typeof id === 'string'
}

/**
 * Runs a prepared read on `runner` and hydrates the row (or null).
 *
 * @example
 * ```ts
 * const post = await readByPrimaryKey(read, runner, 7)
 * ```
 */
export async function readByPrimaryKey(read: PrimaryKeyRead, runner: QueryRunner, id: unknown): Promise<unknown> {
  const parameters = read.parameters.slice()
  parameters[read.index] = id
  const result = (await runner.query(read.sql, parameters, true)) as { records: unknown[] }
  if (result.records.length === 0) return null
  const entities = new read.Transformer(read.expressionMap, runner.connection.driver, [], runner).transform(result.records, read.expressionMap.mainAlias!)
  return entities[0] ?? null
}
