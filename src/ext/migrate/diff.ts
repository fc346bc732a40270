/**
 * Autogenerate (Alembic's compare): the operations that turn one schema
 * state into another. The upgrade is `diff(head, models)` and the downgrade
 * `diff(models, head)`, so the two are inverse by construction.
 */
import { creationOrder, type ColumnState, type SchemaState, type TableState } from 'phial/sql'
import type { MigrationOps } from './ops.ts'

/**
 * One operation: the `op` method, its arguments, and a line for humans.
 *
 * @example
 * ```ts
 * const o: Operation = { method: 'dropColumn', args: ['user', 'email'], summary: "removed column 'user.email'" }
 * ```
 */
export interface Operation {
  readonly method: Exclude<keyof MigrationOps, 'dialect' | 'execute'>
  readonly args: readonly unknown[]
  readonly summary: string
}

/** JSON with sorted keys: equal specs give equal strings. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b)

/**
 * The operations from `from` to `to`, in an order every database accepts:
 * keys and indexes that go away first, then tables, columns, and the new
 * indexes and keys last.
 *
 * @example
 * ```ts
 * diff(headState, schemaState(db.models)).map((o) => o.summary) // ["added column 'user.email'"]
 * ```
 */
export function diff(from: SchemaState, to: SchemaState): Operation[] {
  const ops: Operation[] = []
  const dropped: Operation[] = []
  const added: Operation[] = []
  const kept = Object.keys(to.tables).filter((name) => from.tables[name] !== undefined)

  for (const name of kept) {
    const a = from.tables[name]!
    const b = to.tables[name]!
    for (const fk of a.foreignKeys) {
      const match = b.foreignKeys.find((x) => x.name === fk.name)
      if (!match || !same(match, fk)) dropped.push({ method: 'dropForeignKey', args: [name, fk.name], summary: `removed foreign key '${fk.name}' on '${name}'` })
    }
    for (const i of a.indexes) {
      const match = b.indexes.find((x) => x.name === i.name)
      if (!match || !same(match, i)) dropped.push({ method: 'dropIndex', args: [name, i.name], summary: `removed index '${i.name}' on '${name}'` })
    }
    for (const u of a.uniques) {
      const match = b.uniques.find((x) => x.name === u.name)
      if (!match || !same(match, u)) dropped.push({ method: 'dropUnique', args: [name, u.name], summary: `removed unique constraint '${u.name}' on '${name}'` })
    }
    for (const fk of b.foreignKeys) {
      const match = a.foreignKeys.find((x) => x.name === fk.name)
      if (!match || !same(match, fk)) {
        added.push({
          method: 'createForeignKey',
          args: [name, fk.name, fk.columns, fk.table, fk.referencedColumns, ...keyOptions(fk)],
          summary: `added foreign key '${fk.name}' on '${name}'`,
        })
      }
    }
    for (const i of b.indexes) {
      const match = a.indexes.find((x) => x.name === i.name)
      if (!match || !same(match, i)) {
        added.push({ method: 'createIndex', args: [name, i.name, i.columns, ...(i.unique ? [{ unique: true }] : [])], summary: `added index '${i.name}' on '${name}'` })
      }
    }
    for (const u of b.uniques) {
      const match = a.uniques.find((x) => x.name === u.name)
      if (!match || !same(match, u)) added.push({ method: 'createUnique', args: [name, u.name, u.columns], summary: `added unique constraint '${u.name}' on '${name}'` })
    }
  }
  ops.push(...dropped)

  const removedTables = Object.values(from.tables).filter((t) => to.tables[t.name] === undefined)
  for (const t of creationOrder(removedTables).ordered.reverse()) ops.push({ method: 'dropTable', args: [t.name], summary: `removed table '${t.name}'` })

  const newTables = Object.values(to.tables).filter((t) => from.tables[t.name] === undefined)
  const { ordered, deferred } = creationOrder(newTables)
  for (const t of ordered) {
    const inline = deferred.has(t.name) ? { ...t, foreignKeys: [] } : t
    ops.push({ method: 'createTable', args: [t.name, t.columns, ...tableOptions(inline)], summary: `added table '${t.name}'` })
    if (deferred.has(t.name)) {
      for (const fk of t.foreignKeys) {
        added.push({ method: 'createForeignKey', args: [t.name, fk.name, fk.columns, fk.table, fk.referencedColumns, ...keyOptions(fk)], summary: `added foreign key '${fk.name}' on '${t.name}'` })
      }
    }
  }

  for (const name of kept) {
    const a = from.tables[name]!.columns
    const b = to.tables[name]!.columns
    for (const [column, spec] of Object.entries(b)) {
      if (a[column] === undefined) ops.push({ method: 'addColumn', args: [name, column, spec], summary: `added column '${name}.${column}'` })
      else if (!same(a[column], spec)) ops.push({ method: 'alterColumn', args: [name, column, spec], summary: `changed column '${name}.${column}'` })
    }
    for (const column of Object.keys(a)) {
      if (b[column] === undefined) ops.push({ method: 'dropColumn', args: [name, column], summary: `removed column '${name}.${column}'` })
    }
  }
  ops.push(...added)
  return ops
}

function keyOptions(fk: { onDelete?: string; onUpdate?: string }): object[] {
  const options = { ...(fk.onDelete && { onDelete: fk.onDelete }), ...(fk.onUpdate && { onUpdate: fk.onUpdate }) }
  return Object.keys(options).length > 0 ? [options] : []
}

function tableOptions(t: TableState): object[] {
  const options: Record<string, unknown> = {}
  if (t.indexes.length > 0) options.indexes = t.indexes
  if (t.uniques.length > 0) options.uniques = t.uniques
  if (t.foreignKeys.length > 0) options.foreignKeys = t.foreignKeys
  return Object.keys(options).length > 0 ? [options] : []
}

const BUILDER_DEFAULTS: Partial<Record<ColumnState['kind'], Record<string, unknown>>> = {
  id: { primary: true },
  string: { length: 255 },
  decimal: { precision: 10, scale: 2 },
}

/**
 * A column as the code that declares it: `column.string({ length: 80, nullable: true })`.
 *
 * @example
 * ```ts
 * renderColumn({ kind: 'text', nullable: true }) // "column.text({ nullable: true })"
 * ```
 */
export function renderColumn(spec: ColumnState): string {
  const defaults = BUILDER_DEFAULTS[spec.kind] ?? {}
  const options = Object.entries(spec).filter(([k, v]) => k !== 'kind' && v !== undefined && !same(defaults[k], v))
  if (options.length === 0) return `column.${spec.kind}()`
  return `column.${spec.kind}({ ${options.map(([k, v]) => `${k}: ${renderValue(v, 0)}`).join(', ')} })`
}

function isColumn(value: unknown): value is ColumnState {
  return value !== null && typeof value === 'object' && typeof (value as { kind?: unknown }).kind === 'string'
}

/**
 * A value as TypeScript source, on several lines when long.
 *
 * @example
 * ```ts
 * renderValue({ unique: true }, 0) // '{ unique: true }'
 * ```
 */
export function renderValue(value: unknown, depth: number): string {
  if (isColumn(value)) return renderColumn(value)
  if (value !== null && typeof value === 'object' && 'sql' in value && Object.keys(value).length === 1) return `sql(${JSON.stringify((value as { sql: string }).sql)})`
  const pad = '  '.repeat(depth + 1)
  const end = '  '.repeat(depth)
  if (Array.isArray(value)) {
    const items = value.map((v) => renderValue(v, depth + 1))
    const flat = `[${items.join(', ')}]`
    return flat.length <= 80 && !flat.includes('\n') ? flat : `[\n${items.map((i) => pad + i).join(',\n')},\n${end}]`
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    const items = entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${renderValue(v, depth + 1)}`)
    const flat = `{ ${items.join(', ')} }`
    if (items.length === 0) return '{}'
    return flat.length <= 80 && !flat.includes('\n') ? flat : `{\n${items.map((i) => pad + i).join(',\n')},\n${end}}`
  }
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value)
}

/**
 * The `await op.…(…)` lines of a migration function.
 *
 * @example
 * ```ts
 * renderOperations(diff(a, b)) // "  await op.addColumn('user', 'email', column.string({ nullable: true }))"
 * ```
 */
export function renderOperations(ops: readonly Operation[]): string {
  if (ops.length === 0) return '  // nothing to do'
  return ops.map((o) => `  await op.${o.method}(${o.args.map((a) => renderValue(a, 1)).join(', ')})`).join('\n')
}
