/**
 * `session.find(Model, options)` (and `session.count(Model)`) without
 * TypeORM's query builder on every call.
 *
 * TypeORM turns the same find options into the same SQL on every call (find
 * options → joins, aliases, escaping, the text; with `skip`/`take` and a
 * relation, two statements: the page's ids, then their rows): most of a
 * 20-row page's CPU outside the database. Here the statements are built once
 * per model and *shape* of options — by TypeORM itself, running its own
 * `find` against a stand-in connection that records the SQL instead of
 * running it, with marker numbers where `skip`, `take` and the page's ids go.
 * Each call fills those places as TypeORM writes them (the decimal number,
 * ids joined by ", "), runs the statements on the session's connection, and
 * hydrates with TypeORM's own transformer on the same expression map — so
 * the statements and rows are the ones `find` gives.
 *
 * Only where that is provably the same as `find`: options made of
 * `relations`, `order`, `skip` and `take` alone (any other option, or a
 * `where`, takes `find`), plain objects of booleans, strings and ±1 in the
 * first two, `skip`/`take` absent or whole numbers ≥ 0; no eager relations
 * or relation ids, no soft-delete column, no embedded columns, no after-load
 * listeners on any entity, no subscribers, no query-result cache, TypeORM's
 * default join strategy. A shape TypeORM refuses (an unknown relation…) is
 * left to `find`, which raises its own error. `count` is prepared the same
 * way when it has no options (what `paginate` asks without a `where`).
 */
import type { DataSource, FindManyOptions, ObjectLiteral, QueryRunner, SelectQueryBuilder } from 'typeorm'
import type { QueryExpressionMap } from 'typeorm/query-builder/QueryExpressionMap.js'
import { hydratesPlainly, type Transformer } from './primary-key-read.ts'

/** Where `skip`, `take` and the page's first id go while TypeORM builds the statements: numbers no page has. */
const SKIP = 7_340_033_001
const TAKE = 7_340_033_003
const ID = 7_340_033_007

/** A statement's text cut where the call's numbers go: `texts[0] slot[0] texts[1] …`. */
interface Template {
  readonly texts: readonly string[]
  readonly slots: ReadonlyArray<'skip' | 'take'>
  readonly parameters: readonly unknown[]
}

/** A model's prepared find for one shape of options. */
export interface PreparedFind {
  /** The only statement, or (paging with relations) the first: the page's ids. */
  readonly first: Template
  /** Paging with relations: the rows of those ids, cut where the ids go; null for one statement. */
  readonly second: { readonly before: string; readonly after: string; readonly parameters: readonly unknown[] } | null
  /** The column of the first statement's rows that holds the page's ids. */
  readonly idsAlias: string
  /** The query builder TypeORM built for the shape (a page of ids that are not all numbers is bound through it). */
  readonly builder: SelectQueryBuilder<ObjectLiteral>
  /** The expression map the transformer reads (never written after it is built). */
  readonly expressionMap: QueryExpressionMap
  readonly Transformer: Transformer
}

const OPTIONS = new Set(['relations', 'order', 'skip', 'take'])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/** A tree of plain objects whose leaves are booleans, strings or ±1 (what `relations` and `order` hold). */
function isTree(value: unknown, depth = 0): boolean {
  if (!isPlainObject(value) || depth > 8) return false
  for (const key in value) {
    const v = value[key]
    if (typeof v === 'boolean' || typeof v === 'string' || v === 1 || v === -1) continue
    if (!isTree(v, depth + 1)) return false
  }
  return true
}

/** 'u' (absent), '0', or 'n' (a whole number > 0, filled in per call); null for anything else. */
function countState(value: unknown): 'u' | '0' | 'n' | null {
  if (value === undefined) return 'u'
  if (!Number.isSafeInteger(value) || (value as number) < 0) return null
  return value === 0 ? '0' : 'n'
}

/**
 * The cache key of `options`' shape (everything but the values of `skip` and
 * `take`), or null when a prepared find cannot stand for `find` with them.
 *
 * @example
 * ```ts
 * findShape({ relations: { author: true }, order: { id: 'ASC' }, skip: 40, take: 20 }) // 'nn{"author":true}{"id":"ASC"}'
 * ```
 */
export function findShape(options: FindManyOptions | undefined): string | null {
  if (options === undefined) return 'uu'
  if (!isPlainObject(options)) return null
  // an option set to undefined is no option to TypeORM (every check is truthiness or !== undefined)
  for (const key in options) if (options[key] !== undefined && !OPTIONS.has(key)) return null
  const { relations, order, skip, take } = options as Record<string, unknown>
  if ((relations !== undefined && !isTree(relations)) || (order !== undefined && !isTree(order))) return null
  const s = countState(skip)
  const t = countState(take)
  if (s === null || t === null) return null
  return s + t + (relations === undefined ? '' : JSON.stringify(relations)) + '\u0000' + (order === undefined ? '' : JSON.stringify(order))
}

/** Cuts `sql` where the markers of `slots` stand, each exactly once; null when one is missing or repeated. */
function cut(sql: string, parameters: readonly unknown[], slots: ReadonlyArray<'skip' | 'take'>): Template | null {
  const places: Array<{ at: number; slot: 'skip' | 'take'; length: number }> = []
  for (const [slot, marker] of [['skip', String(SKIP)], ['take', String(TAKE)]] as const) {
    const at = sql.indexOf(marker)
    if (at !== sql.lastIndexOf(marker)) return null
    if ((at !== -1) !== slots.includes(slot)) return null
    if (at !== -1) places.push({ at, slot, length: marker.length })
  }
  if (sql.includes(String(ID)) || parameters.some((p) => typeof p === 'number' && (p === SKIP || p === TAKE || p === ID))) return null
  places.sort((a, b) => a.at - b.at)
  const texts: string[] = []
  let from = 0
  for (const p of places) {
    texts.push(sql.slice(from, p.at))
    from = p.at + p.length
  }
  texts.push(sql.slice(from))
  return { texts, slots: places.map((p) => p.slot), parameters }
}

/** True when every entity is one a prepared find hydrates exactly as `find` (see the module doc). */
function plainEntities(dataSource: DataSource): boolean {
  if (dataSource.subscribers.length > 0 || dataSource.queryResultCache !== undefined) return false
  return dataSource.entityMetadatas.every(hydratesPlainly)
}

/**
 * A stand-in query runner for TypeORM to build statements against: it
 * records each one and answers with `answer(index)`'s rows (none by default).
 */
function recordingRunner(statements: Array<{ sql: string; parameters: unknown[] }>, answer: (index: number) => unknown[] = () => []): QueryRunner {
  const recorder = {
    isTransactionActive: false,
    isReleased: false,
    query(sql: string, parameters: unknown[] | undefined): Promise<{ records: unknown[] }> {
      statements.push({ sql, parameters: parameters ?? [] })
      return Promise.resolve({ records: answer(statements.length - 1) })
    },
  }
  return recorder as unknown as QueryRunner
}

/**
 * The prepared find of `entity` for the shape of `options` (see
 * {@link findShape}), or null when it cannot stand for `find`: TypeORM builds
 * it by running its own find on a connection that only records.
 *
 * @example
 * ```ts
 * const found = await prepareFind(dataSource, 'Post', { relations: { author: true }, skip: 20, take: 20 }, Transformer)
 * ```
 */
export async function prepareFind(dataSource: DataSource, entity: string, options: FindManyOptions | undefined, Transformer: Transformer): Promise<PreparedFind | null> {
  if (!dataSource.hasMetadata(entity) || !plainEntities(dataSource)) return null
  const metadata = dataSource.getMetadata(entity)
  const [primary, ...others] = metadata.primaryColumns
  if (primary === undefined || others.length > 0) return null
  // a copy (the shape's trees are JSON, checked by findShape): the builder keeps no object of the caller's
  const withMarkers = JSON.parse(JSON.stringify(options ?? {})) as Record<string, unknown>
  // a whole number > 0 becomes its marker (0 stays: TypeORM writes it as it is, and pages differently without it)
  const slots: Array<'skip' | 'take'> = []
  for (const [slot, marker] of [['skip', SKIP], ['take', TAKE]] as const) {
    const value = withMarkers[slot]
    if (typeof value === 'number' && value > 0) {
      slots.push(slot)
      withMarkers[slot] = marker
    }
  }
  const statements: Array<{ sql: string; parameters: unknown[] }> = []
  let idsAlias: string | undefined
  let paged = false
  // the page's ids (the first statement when paging) are one marker
  const recorder = recordingRunner(statements, (index) => {
    if (!paged || index > 0) return []
    // TypeORM reads the ids by their alias: learn it from the first (and only) key it asks for
    const row = new Proxy({} as Record<string, unknown>, {
      get: (target, key) => {
        if (typeof key === 'string' && idsAlias === undefined) idsAlias = key
        return key === idsAlias ? ID : Reflect.get(target, key)
      },
    })
    return [row]
  })
  let builder: SelectQueryBuilder<ObjectLiteral>
  try {
    builder = dataSource.createQueryBuilder(entity, metadata.name, recorder).setFindOptions(withMarkers)
    const map = builder.expressionMap
    if (map.relationLoadStrategy !== 'join' || map.lockMode !== undefined || map.useTransaction || map.relationIdAttributes.length > 0) return null
    paged = Boolean(map.skip || map.take) && map.joinAttributes.length > 0
    // as getMany does: getRawAndEntities marks the query as one for entities, then runs it
    map.queryEntity = true
    await (builder as unknown as { executeEntitiesAndRawResults(r: unknown): Promise<unknown> }).executeEntitiesAndRawResults(recorder)
  } catch {
    return null // TypeORM refuses these options: find says so itself
  }
  if (statements.length !== (paged ? 2 : 1)) return null
  const first = cut(statements[0]!.sql, statements[0]!.parameters, slots)
  if (first === null) return null
  if (!paged) return { first, second: null, idsAlias: '', builder, expressionMap: builder.expressionMap, Transformer }
  const { sql, parameters } = statements[1]!
  const ids = ` IN (${ID})`
  const at = sql.indexOf(ids)
  if (idsAlias === undefined || !statements[0]!.sql.includes(idsAlias) || at === -1 || at !== sql.lastIndexOf(ids) || sql.includes(String(SKIP)) || sql.includes(String(TAKE))) return null
  const second = { before: sql.slice(0, at + 5), after: sql.slice(at + ids.length - 1), parameters }
  return { first, second, idsAlias, builder, expressionMap: builder.expressionMap, Transformer }
}

function fill(template: Template, skip: number | undefined, take: number | undefined): string {
  const { texts, slots } = template
  let sql = texts[0]!
  for (let i = 0; i < slots.length; i++) sql += String(slots[i] === 'skip' ? skip : take) + texts[i + 1]!
  return sql
}

/**
 * Runs a prepared find on `runner` with the call's `skip` and `take` (those
 * of the options its shape was found for), and hydrates the rows.
 *
 * @example
 * ```ts
 * const posts = await runPreparedFind(found, runner, 20, 20)
 * ```
 */
export async function runPreparedFind(found: PreparedFind, runner: QueryRunner, skip: number | undefined, take: number | undefined): Promise<unknown[]> {
  const first = (await runner.query(fill(found.first, skip, take), found.first.parameters.slice(), true)) as { records: Array<Record<string, unknown>> }
  let rows = first.records
  const second = found.second
  if (second !== null) {
    if (rows.length === 0) return []
    const ids = rows.map((row) => row[found.idsAlias])
    let sql: string
    let parameters: unknown[]
    if (ids.every((id) => typeof id === 'number')) {
      // TypeORM writes numbers into the statement (its "fixes #190"); any other key is bound, as it binds it
      sql = second.before + ids.join(', ') + second.after
      parameters = second.parameters.slice()
    } else {
      const map = found.expressionMap
      const condition = `${map.mainAlias!.name}.${map.mainAlias!.metadata.primaryColumns[0]!.propertyPath} IN (:...orm_distinct_ids)`
      // what TypeORM's executeEntitiesAndRawResults does for such a page (mergeExpressionMap is protected there)
      const builder = found.builder.clone() as unknown as { mergeExpressionMap(m: object): SelectQueryBuilder<ObjectLiteral> }
      ;[sql, parameters] = builder.mergeExpressionMap({ extraAppendedAndWhereCondition: condition }).setParameters({ orm_distinct_ids: ids }).getQueryAndParameters()
    }
    rows = ((await runner.query(sql, parameters, true)) as { records: Array<Record<string, unknown>> }).records
  }
  if (rows.length === 0) return []
  return new found.Transformer(found.expressionMap, runner.connection.driver, [], runner).transform(rows, found.expressionMap.mainAlias!)
}

/** A model's prepared `count()` without options: one statement, no values. */
export interface PreparedCount {
  readonly sql: string
  readonly parameters: readonly unknown[]
}

/** True when `options` holds no option (every key undefined): `count()` as `paginate` asks it without a `where`. */
export function isNoOptions(options: object | undefined): boolean {
  if (options === undefined) return true
  if (!isPlainObject(options)) return false
  for (const key in options) if (options[key] !== undefined) return false
  return true
}

/**
 * The prepared `count()` of `entity`, or null (see the module doc): TypeORM
 * builds the statement by running its own count on a connection that only records.
 *
 * @example
 * ```ts
 * const count = await prepareCount(dataSource, 'Post') // { sql: 'SELECT COUNT(1) AS "cnt" FROM "post" "Post"', parameters: [] }
 * ```
 */
export async function prepareCount(dataSource: DataSource, entity: string): Promise<PreparedCount | null> {
  if (!dataSource.hasMetadata(entity) || !plainEntities(dataSource)) return null
  const statements: Array<{ sql: string; parameters: unknown[] }> = []
  const recorder = recordingRunner(statements)
  try {
    const builder = dataSource.createQueryBuilder(entity, dataSource.getMetadata(entity).name, recorder).setFindOptions({})
    // as getCount does: the query is not one for entities, then the count runs
    builder.expressionMap.queryEntity = false
    await (builder as unknown as { executeCountQuery(r: unknown): Promise<number> }).executeCountQuery(recorder)
  } catch {
    return null
  }
  return statements.length === 1 ? statements[0]! : null
}

/**
 * Runs a prepared count on `runner`; the number as TypeORM's `count` reads it.
 *
 * @example
 * ```ts
 * const total = await runPreparedCount(count, runner)
 * ```
 */
export async function runPreparedCount(count: PreparedCount, runner: QueryRunner): Promise<number> {
  const { records } = (await runner.query(count.sql, count.parameters.slice(), true)) as { records: Array<{ cnt?: unknown }> }
  const cnt = records[0]?.cnt
  // executeCountQuery's own reading: no row or a falsy count is 0, else parseInt of what the driver gave
  return cnt ? Number.parseInt(cnt as string) : 0
}
