/**
 * Column declarations (Flask-SQLAlchemy's `db.Column(db.String(80), unique=True)`):
 * plain, serialisable specs that carry their TypeScript type, so a model is
 * declared once and gives both the TypeORM schema and the row type.
 */

/** The portable column kinds; each maps to a type on SQLite, PostgreSQL and MySQL/MariaDB. */
export type ColumnKind =
  | 'id'
  | 'integer'
  | 'bigInteger'
  | 'string'
  | 'text'
  | 'boolean'
  | 'float'
  | 'decimal'
  | 'datetime'
  | 'date'
  | 'json'
  | 'createdAt'
  | 'updatedAt'

/**
 * A raw SQL default (`{ sql: 'CURRENT_TIMESTAMP' }`), as opposed to a literal value.
 *
 * @example
 * ```ts
 * column.integer({ default: sql('0') })
 * ```
 */
export interface SqlExpression {
  readonly sql: string
}

/**
 * Marks a default as an SQL expression, not a value.
 *
 * @example
 * ```ts
 * column.datetime({ default: sql('CURRENT_TIMESTAMP') })
 * ```
 */
export function sql(expression: string): SqlExpression {
  return { sql: expression }
}

/**
 * Options every column takes.
 *
 * @example
 * ```ts
 * const opts: ColumnOptions = { nullable: true, unique: true, index: true, name: 'e_mail' }
 * ```
 */
export interface ColumnOptions {
  /** Allows NULL (the type becomes `T | null`). Default false. */
  readonly nullable?: boolean
  /** A literal default, or `sql('…')` for an expression. The column becomes optional on insert. */
  readonly default?: string | number | boolean | null | SqlExpression
  /** A unique constraint on this column alone (named `uq_<table>_<column>`). */
  readonly unique?: boolean
  /** An index on this column alone (named `ix_<table>_<column>`). */
  readonly index?: boolean
  /** Part of the primary key. */
  readonly primary?: boolean
  /** The database column name, when it differs from the property name. */
  readonly name?: string
  /** A foreign key to another table's column: `{ table: 'user', column: 'id', onDelete: 'CASCADE' }`. */
  readonly references?: ReferenceSpec
}

/**
 * A foreign key declared on a column.
 *
 * @example
 * ```ts
 * column.integer({ references: { table: 'user', onDelete: 'CASCADE' } })
 * ```
 */
export interface ReferenceSpec {
  readonly table: string
  /** Default `'id'`. */
  readonly column?: string
  readonly onDelete?: ReferentialAction
  readonly onUpdate?: ReferentialAction
}

/** What a foreign key does when the row it points at goes away. @example const a: ReferentialAction = 'CASCADE' */
export type ReferentialAction = 'CASCADE' | 'SET NULL' | 'RESTRICT' | 'NO ACTION'

/**
 * The serialisable description of a column: what migrations store and compare.
 *
 * @example
 * ```ts
 * const spec: ColumnSpec = { kind: 'string', length: 80, unique: true }
 * ```
 */
export interface ColumnSpec extends ColumnOptions {
  readonly kind: ColumnKind
  readonly length?: number
  readonly precision?: number
  readonly scale?: number
}

/**
 * A column with its TypeScript value type `T` (phantom) and whether it may be
 * left out on insert (`O`).
 *
 * @example
 * ```ts
 * const c: Column<string, false> = column.string()
 * ```
 */
export type Column<T = unknown, O extends boolean = boolean> = ColumnSpec & { readonly __type?: T; readonly __optional?: O }

type Nullable<T, Opts> = Opts extends { nullable: true } ? T | null : T
type Optional<Opts> = Opts extends { nullable: true } ? true : Opts extends { default: unknown } ? true : false

function make<T, Opts extends ColumnOptions>(kind: ColumnKind, opts: Opts | undefined, extra: object = {}): Column<Nullable<T, Opts>, Optional<Opts>> {
  const spec: Record<string, unknown> = { kind, ...extra }
  // A `false` flag (`nullable: false`, `unique: false`) is the same as leaving it out, but
  // `default: false` is a value: keep it, or a boolean column loses its default.
  for (const [key, value] of Object.entries(opts ?? {})) {
    if (value !== undefined && (value !== false || key === 'default')) spec[key] = value
  }
  return Object.freeze(spec) as unknown as Column<Nullable<T, Opts>, Optional<Opts>>
}

/**
 * The column builders: `column.id()`, `column.string({ length: 80, unique: true })`, …
 *
 * @example
 * ```ts
 * const User = defineModel('User', {
 *   id: column.id(),
 *   username: column.string({ length: 80, unique: true }),
 *   email: column.string({ nullable: true }),
 *   createdAt: column.createdAt(),
 * })
 * ```
 */
export const column = {
  /** An auto-incrementing integer primary key. */
  id: (opts: Pick<ColumnOptions, 'name'> = {}): Column<number, true> => make('id', opts, { primary: true }) as Column<number, true>,
  /** A 32-bit integer. */
  integer: <const O extends ColumnOptions = {}>(opts?: O) => make<number, O>('integer', opts),
  /** A 64-bit integer, read as a string (JavaScript numbers lose precision past 2^53). */
  bigInteger: <const O extends ColumnOptions = {}>(opts?: O) => make<string, O>('bigInteger', opts),
  /** A `varchar` of `length` characters (default 255). */
  string: <const O extends ColumnOptions & { length?: number } = {}>(opts?: O) =>
    make<string, O>('string', opts, { length: opts?.length ?? 255 }),
  /** Text of any length. */
  text: <const O extends ColumnOptions = {}>(opts?: O) => make<string, O>('text', opts),
  /** true / false. */
  boolean: <const O extends ColumnOptions = {}>(opts?: O) => make<boolean, O>('boolean', opts),
  /** A double-precision float. */
  float: <const O extends ColumnOptions = {}>(opts?: O) => make<number, O>('float', opts),
  /** An exact decimal, read as a string. Default precision 10, scale 2. */
  decimal: <const O extends ColumnOptions & { precision?: number; scale?: number } = {}>(opts?: O) =>
    make<string, O>('decimal', opts, { precision: opts?.precision ?? 10, scale: opts?.scale ?? 2 }),
  /** A date and time, read as a `Date`. */
  datetime: <const O extends ColumnOptions = {}>(opts?: O) => make<Date, O>('datetime', opts),
  /** A calendar date, read as `'YYYY-MM-DD'`. */
  date: <const O extends ColumnOptions = {}>(opts?: O) => make<string, O>('date', opts),
  /** A JSON document (`jsonb` on PostgreSQL); `T` is the document's type. */
  json: <T = unknown, const O extends ColumnOptions = {}>(opts?: O) => make<T, O>('json', opts),
  /** Set to the insert time by the database. */
  createdAt: (opts: Pick<ColumnOptions, 'name'> = {}): Column<Date, true> => make('createdAt', opts) as Column<Date, true>,
  /** Set to the time of each update. */
  updatedAt: (opts: Pick<ColumnOptions, 'name'> = {}): Column<Date, true> => make('updatedAt', opts) as Column<Date, true>,
}

/** The TypeScript value of a column. @example type N = ColumnValue<ReturnType<typeof column.id>> // number */
export type ColumnValue<C> = C extends { readonly __type?: infer T } ? T : never

/** The database name of a column (its `name` option, else the property). @example columnName('authorId', spec) */
export function columnName(property: string, spec: ColumnSpec): string {
  return spec.name ?? property
}
