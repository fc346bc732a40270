/**
 * `phial/sql`: Flask-SQLAlchemy for Phial, on TypeORM. Models declared once
 * (typed rows, no decorators), a per-request session, pagination, `getOr404`,
 * raw SQL with bound parameters, several databases, and one `IntegrityError`
 * on SQLite, PostgreSQL and MySQL/MariaDB.
 *
 * @module
 * @example
 * ```ts
 * import { SQL, column, type Row } from 'phial/sql'
 *
 * export const db = new SQL()
 * export const User = db.defineModel('User', {
 *   id: column.id(),
 *   username: column.string({ length: 80, unique: true }),
 * })
 * export type User = Row<typeof User>
 *
 * db.initApp(app)
 * app.get('/user/<int:id>', async function user({ id }) {
 *   const user = await db.getOr404(User, id)
 *   return { username: user.username }
 * })
 * ```
 */
export { SQL } from './sql.ts'
export { withEditor, createTables, dropTables } from './tables.ts'
export { Session, type RecordedQuery, type ExecuteResult, type SessionObserver } from './session.ts'
export { Pagination, preparePageArgs, type PageOptions, type PageQuery } from './pagination.ts'
export { column, sql, columnName, type Column, type ColumnKind, type ColumnOptions, type ColumnSpec, type ColumnValue, type ReferenceSpec, type ReferentialAction, type SqlExpression } from './column.ts'
export {
  defineModel,
  isModel,
  snakeCase,
  manyToOne,
  oneToMany,
  oneToOne,
  manyToMany,
  type Model,
  type Models,
  type ModelOptions,
  type Row,
  type Insert,
  type Relation,
  type RelationKind,
  type RelationMap,
  type ColumnMap,
  type IndexSpec,
} from './model.ts'
export { IntegrityError, DatabaseUnavailable, translateError, isConnectionError, type IntegrityKind, type ConstraintLookup } from './errors.ts'
export { Engine, ConnectionLock, loadTypeOrm, type QueryListener } from './engine.ts'
export { SchemaEditor, creationOrder } from './ddl.ts'
export { schemaState, constraintName, type SchemaState, type TableState, type ColumnState, type IndexState, type UniqueState, type ForeignKeyState } from './state.ts'
export { entitySchemas, columnOptions, type Dialect } from './entity.ts'
export { parseDatabaseUrl, hidePassword, type EngineOptions, type ParsedUrl } from './url.ts'
export { bindParameters, type SqlParameters } from './params.ts'
export { SQL_DEFAULTS, applySqlDefaults, type BindConfig } from './config.ts'
