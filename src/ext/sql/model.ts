/**
 * Models (Flask-SQLAlchemy's `db.Model`): `defineModel(name, columns, options)`
 * declares a table once; `Row<typeof Model>` is its TypeScript type, with the
 * relations typed through the {@link Models} registry (SQLAlchemy's
 * `relationship('Post')` names its target the same way, which also breaks the
 * circle between two models that point at each other).
 */
import type { Column, ColumnSpec, ColumnValue, ReferentialAction } from './column.ts'

/**
 * The models of your app by name, for typing relations. Add yours once:
 *
 * @example
 * ```ts
 * declare module 'phial/sql' {
 *   interface Models { User: typeof User; Post: typeof Post }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Models {}

/** The kinds of relation. @example const k: RelationKind = 'many-to-one' */
export type RelationKind = 'many-to-one' | 'one-to-many' | 'one-to-one' | 'many-to-many'

/**
 * A relation to the model named `N` (phantom types `K`, `N`).
 *
 * @example
 * ```ts
 * const r: Relation<'many-to-one', 'User'> = manyToOne('User', { column: 'authorId' })
 * ```
 */
export interface Relation<K extends RelationKind = RelationKind, N extends string = string> {
  readonly kind: K
  readonly target: N
  /** The property on the target that points back. */
  readonly inverse?: string
  /** many-to-one / one-to-one: the property of the local foreign-key column. */
  readonly column?: string
  /** many-to-many: the join table's name (the owning side has it). */
  readonly joinTable?: string
  readonly onDelete?: ReferentialAction
  /** Load it with every query (TypeORM's `eager`). */
  readonly eager?: boolean
}

/**
 * A many-to-one relation (`post.author`); `column` is the local foreign-key
 * column's property, which gets a foreign key to the target's primary key.
 *
 * @example
 * ```ts
 * author: manyToOne('User', { column: 'authorId', inverse: 'posts', onDelete: 'CASCADE' })
 * ```
 */
export function manyToOne<const N extends string>(
  target: N,
  options: { column: string; inverse?: string; onDelete?: ReferentialAction; eager?: boolean },
): Relation<'many-to-one', N> {
  return Object.freeze({ kind: 'many-to-one', target, ...options })
}

/**
 * The other side of a many-to-one (`user.posts`): `inverse` names the target's many-to-one.
 *
 * @example
 * ```ts
 * posts: oneToMany('Post', { inverse: 'author' })
 * ```
 */
export function oneToMany<const N extends string>(target: N, options: { inverse: string; eager?: boolean }): Relation<'one-to-many', N> {
  return Object.freeze({ kind: 'one-to-many', target, ...options })
}

/**
 * A one-to-one relation. The side with `column` owns the foreign key (unique).
 *
 * @example
 * ```ts
 * profile: oneToOne('Profile', { column: 'profileId', onDelete: 'SET NULL' })
 * ```
 */
export function oneToOne<const N extends string>(
  target: N,
  options: { column?: string; inverse?: string; onDelete?: ReferentialAction; eager?: boolean } = {},
): Relation<'one-to-one', N> {
  return Object.freeze({ kind: 'one-to-one', target, ...options })
}

/**
 * A many-to-many relation through a join table (`<table>_id` columns, rows
 * deleted with either side). The owning side names `joinTable`; the other side
 * gives only `inverse`.
 *
 * @example
 * ```ts
 * tags: manyToMany('Tag', { joinTable: 'post_tag', inverse: 'posts' })
 * posts: manyToMany('Post', { inverse: 'tags' })
 * ```
 */
export function manyToMany<const N extends string>(
  target: N,
  options: { joinTable?: string; inverse?: string; eager?: boolean } = {},
): Relation<'many-to-many', N> {
  return Object.freeze({ kind: 'many-to-many', target, ...options })
}

/**
 * An index over several columns (single-column ones are `index: true` on the column).
 *
 * @example
 * ```ts
 * indexes: [{ columns: ['authorId', 'created'] }, { columns: ['slug', 'lang'], unique: true }]
 * ```
 */
export interface IndexSpec {
  /** Properties of the columns. */
  readonly columns: readonly string[]
  readonly unique?: boolean
  /** Default `ix_<table>_<col>_<col>` (`uq_…` when unique). */
  readonly name?: string
}

/** The columns of a model: property → column. @example const c: ColumnMap = { id: column.id() } */
export type ColumnMap = Record<string, Column>
/** The relations of a model: property → relation. @example const r: RelationMap = { posts: oneToMany('Post', { inverse: 'author' }) } */
export type RelationMap = Record<string, Relation>

/**
 * Options of {@link defineModel}.
 *
 * @example
 * ```ts
 * defineModel('BlogPost', { id: column.id() }, { tableName: 'posts', bind: 'archive' })
 * ```
 */
export interface ModelOptions<R extends RelationMap> {
  /** Default: the name in snake_case (`BlogPost` → `blog_post`), as Flask-SQLAlchemy names tables. */
  readonly tableName?: string
  readonly relations?: R
  readonly indexes?: readonly IndexSpec[]
  /** The `SQLALCHEMY_BINDS` key of the database it lives in (Flask-SQLAlchemy's `__bind_key__`). */
  readonly bind?: string
}

/**
 * A model: its name, table, columns and relations. Pass it to the session's
 * methods; its row type is `Row<typeof Model>`.
 *
 * @example
 * ```ts
 * User.tableName      // 'user'
 * User.primaryKey     // 'id'
 * ```
 */
export interface Model<N extends string = string, C extends ColumnMap = ColumnMap, R extends RelationMap = RelationMap> {
  readonly name: N
  readonly tableName: string
  readonly columns: C
  readonly relations: R
  readonly indexes: readonly IndexSpec[]
  readonly bind: string | null
  /** The property of the primary key (the first primary column). */
  readonly primaryKey: string
}

/** Models are recognised by this brand, so that a model of another copy of Phial works too. */
const MODEL = Symbol.for('phial.sql.model')

/**
 * Declares a model. The row type follows from the columns: `Row<typeof User>`.
 *
 * @example
 * ```ts
 * export const User = defineModel('User', {
 *   id: column.id(),
 *   username: column.string({ length: 80, unique: true }),
 * }, { relations: { posts: oneToMany('Post', { inverse: 'author' }) } })
 * export type User = Row<typeof User>
 * ```
 */
export function defineModel<const N extends string, const C extends ColumnMap, const R extends RelationMap = {}>(
  name: N,
  columns: C,
  options: ModelOptions<R> = {},
): Model<N, C, R> {
  if (!/^[A-Za-z_]\w*$/.test(name)) throw new Error(`'${name}' is not a valid model name (letters, digits, _).`)
  const primary = Object.entries(columns).find(([, spec]) => (spec as ColumnSpec).primary)
  if (primary === undefined) throw new Error(`The model '${name}' needs a primary key: add id: column.id().`)
  const relations = (options.relations ?? {}) as R
  for (const [property, relation] of Object.entries(relations)) {
    if (property in columns) throw new Error(`${name}.${property} is both a column and a relation.`)
    if (relation.column !== undefined && !(relation.column in columns)) {
      throw new Error(`${name}.${property}: the foreign-key column '${relation.column}' is not a column of ${name}.`)
    }
    if (relation.kind === 'many-to-one' && relation.column === undefined) {
      throw new Error(`${name}.${property}: a many-to-one relation needs { column } (the local foreign-key column).`)
    }
  }
  const model: Model<N, C, R> = {
    name,
    tableName: options.tableName ?? snakeCase(name),
    columns,
    relations,
    indexes: options.indexes ?? [],
    bind: options.bind ?? null,
    primaryKey: primary[0],
  }
  Object.defineProperty(model, MODEL, { value: true })
  return Object.freeze(model)
}

/** True for a value made by {@link defineModel}. @example if (isModel(x)) x.tableName */
export function isModel(value: unknown): value is Model {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MODEL] === true
}

/** `BlogPost` → `blog_post`. @example snakeCase('UserProfile') // 'user_profile' */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
}

type RowOf<N> = N extends keyof Models ? Row<Models[N]> : unknown

type RelationValue<Rel> =
  Rel extends Relation<'one-to-many' | 'many-to-many', infer N> ? RowOf<N>[] : Rel extends Relation<RelationKind, infer N> ? RowOf<N> | null : never

/**
 * The row type of a model: its columns, and its relations as optional
 * properties (present when loaded with `relations: [...]`).
 *
 * @example
 * ```ts
 * export type Post = Row<typeof Post>
 * const post: Post = await db.session.getOr404(Post, 1)
 * ```
 */
export type Row<M> =
  M extends Model<string, infer C, infer R>
    ? { -readonly [K in keyof C]: ColumnValue<C[K]> } & { -readonly [K in keyof R]?: RelationValue<R[K]> }
    : never

type OptionalKeys<C> = { [K in keyof C]: C[K] extends { readonly __optional?: true } ? K : never }[keyof C]

/**
 * What an insert takes: the required columns, the optional ones (nullable,
 * defaulted, generated) and relations.
 *
 * @example
 * ```ts
 * const input: Insert<typeof User> = { username: 'alice' }
 * ```
 */
export type Insert<M> =
  M extends Model<string, infer C, infer R>
    ? { [K in Exclude<keyof C, OptionalKeys<C>>]: ColumnValue<C[K]> } & { [K in OptionalKeys<C>]?: ColumnValue<C[K]> } & {
        [K in keyof R]?: RelationValue<R[K]>
      }
    : never
