/**
 * The migration history: the files in `migrations/versions/`, each with a
 * timestamped revision id and the id of its parent, put in order as one
 * chain. Two revisions with the same parent (a branch, after two people
 * generated migrations at once) are refused with a message saying how to fix it.
 */
import { existsSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { renderValue } from './diff.ts'
import type { MigrationOps } from './ops.ts'

/**
 * A loaded migration file.
 *
 * @example
 * ```ts
 * const [first] = (await loadHistory(dir)).chain
 * first.revision // '20261201093000'
 * ```
 */
export interface Revision {
  readonly revision: string
  readonly parent: string | null
  readonly message: string
  readonly file: string
  up(op: MigrationOps): Promise<void>
  down(op: MigrationOps): Promise<void>
}

/**
 * A problem with the migration files themselves.
 *
 * @example
 * ```ts
 * try { await migrate.upgrade() } catch (e) { if (e instanceof MigrationError) console.error(e.message) }
 * ```
 */
export class MigrationError extends Error {
  override readonly name = 'MigrationError'
}

const FILE = /^(\d{14})_[\w-]*\.(ts|mts|js|mjs)$/

/**
 * Loads the revisions of a `versions/` folder, in order from base to head.
 *
 * @example
 * ```ts
 * const { chain, head } = await loadHistory('migrations/versions')
 * ```
 */
export async function loadHistory(versions: string): Promise<{ chain: Revision[]; head: string | null }> {
  if (!existsSync(versions)) throw new MigrationError(`There is no migrations folder at ${versions}: run 'phial db init' first.`)
  const files = (await readdir(versions)).filter((f) => FILE.test(f) && !f.endsWith('.d.ts')).sort()
  const revisions: Revision[] = []
  for (const name of files) {
    const file = join(versions, name)
    // the modification time busts the module cache when a file is edited in a long-lived process
    const { mtimeMs } = await stat(file)
    const mod = (await import(`${pathToFileURL(file).href}?mtime=${Math.floor(mtimeMs)}`)) as Partial<Revision>
    for (const key of ['revision', 'up', 'down'] as const) {
      if (mod[key] === undefined) throw new MigrationError(`${name} does not export '${key}': a migration exports revision, parent, message, up and down.`)
    }
    if (mod.parent === undefined) throw new MigrationError(`${name} does not export 'parent' (null for the first migration).`)
    if (!/^\d{14}$/.test(String(mod.revision))) throw new MigrationError(`${name}: the revision must be 14 digits (YYYYMMDDHHMMSS), not '${mod.revision}'.`)
    if (!name.startsWith(mod.revision!)) throw new MigrationError(`${name} says revision '${mod.revision}', but its file name starts with another id.`)
    revisions.push({ revision: mod.revision!, parent: mod.parent ?? null, message: mod.message ?? '', file, up: mod.up!, down: mod.down! })
  }
  return { chain: orderChain(revisions), head: revisions.length === 0 ? null : orderChain(revisions).at(-1)!.revision }
}

/**
 * Orders revisions by their parents into one chain, or explains why not.
 *
 * @example
 * ```ts
 * orderChain(revisions).map((r) => r.revision)
 * ```
 */
export function orderChain(revisions: readonly Revision[]): Revision[] {
  const byId = new Map<string, Revision>()
  for (const r of revisions) {
    if (byId.has(r.revision)) throw new MigrationError(`Two migrations have the revision id ${r.revision}.`)
    byId.set(r.revision, r)
  }
  const children = new Map<string | null, Revision[]>()
  for (const r of revisions) {
    if (r.parent !== null && !byId.has(r.parent)) {
      throw new MigrationError(`The migration ${r.revision} (${r.message}) revises ${r.parent}, which is not in the migrations folder.`)
    }
    children.set(r.parent, [...(children.get(r.parent) ?? []), r])
  }
  for (const [parent, kids] of children) {
    if (kids.length > 1) {
      const names = kids.map((k) => `${k.revision} (${k.message})`).join(' and ')
      throw new MigrationError(
        `The migration history has branched: ${names} both revise ${parent ?? 'the base'}. ` +
          `Keep one line: set the later one's parent to the other's revision (and check its operations still apply), then run the command again.`,
      )
    }
  }
  const chain: Revision[] = []
  let next = children.get(null)?.[0]
  while (next !== undefined) {
    chain.push(next)
    next = children.get(next.revision)?.[0]
  }
  return chain
}

/**
 * A new revision id: the UTC time to the second (`YYYYMMDDHHMMSS`), moved
 * on by a second while it is taken, so ids stay unique and sortable.
 *
 * @example
 * ```ts
 * newRevisionId(new Set(['20261201093000']), new Date('2026-12-01T09:30:00Z')) // '20261201093001'
 * ```
 */
export function newRevisionId(taken: ReadonlySet<string>, now: Date = new Date()): string {
  let t = Math.floor(now.getTime() / 1000) * 1000
  const latest = [...taken].sort().at(-1)
  for (;;) {
    const id = new Date(t).toISOString().replace(/[-:T]/g, '').slice(0, 14)
    // also after the newest existing id, so a clock behind the last migration cannot reorder history
    if (!taken.has(id) && (latest === undefined || id > latest)) return id
    t += 1000
  }
}

/**
 * A migration's file name: `<revision>_<message as a slug>.ts`.
 *
 * @example
 * ```ts
 * revisionFileName('20261201093000', 'Add e-mail to users') // '20261201093000_add_e_mail_to_users.ts'
 * ```
 */
export function revisionFileName(revision: string, message: string): string {
  const slug = message.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 40)
  return `${revision}_${slug || 'migration'}.ts`
}

/**
 * The source of a migration file.
 *
 * @example
 * ```ts
 * renderRevision({ revision, parent, message, up: "  await op.dropTable('x')", down: '...' })
 * ```
 */
export function renderRevision(r: { revision: string; parent: string | null; message: string; up: string; down: string; summary: readonly string[] }): string {
  const uses = `${r.up}\n${r.down}`
  const imports = ['column', 'sql'].filter((name) => new RegExp(`\\b${name}[.(]`).test(uses))
  const created = `${r.revision.slice(0, 4)}-${r.revision.slice(4, 6)}-${r.revision.slice(6, 8)} ${r.revision.slice(8, 10)}:${r.revision.slice(10, 12)}:${r.revision.slice(12, 14)} UTC`
  return [
    '/**',
    ` * ${r.message.replace(/\*\//g, '* /') || 'migration'}`,
    ' *',
    ` * Revision: ${r.revision}`,
    ` * Parent: ${r.parent ?? '<base>'}`,
    ` * Created: ${created}`,
    ...(r.summary.length > 0 ? [' *', ' * Detected:', ...r.summary.map((s) => ` * - ${s}`)] : []),
    ' *',
    ' * Generated by `phial db migrate`: review it, and edit it where autogenerate',
    ' * cannot know your intent (a rename shows up as a drop and an add).',
    ' */',
    `import ${imports.length > 0 ? `{ ${imports.join(', ')}, type MigrationOps }` : '{ type MigrationOps }'} from 'phial/migrate'`,
    '',
    `export const revision = '${r.revision}'`,
    `export const parent: string | null = ${r.parent === null ? 'null' : `'${r.parent}'`}`,
    `export const message = ${renderValue(r.message, 0)}`,
    '',
    'export async function up(op: MigrationOps): Promise<void> {',
    r.up,
    '}',
    '',
    'export async function down(op: MigrationOps): Promise<void> {',
    r.down,
    '}',
    '',
  ].join('\n')
}
