/**
 * Finding the app (Flask's `--app` discovery): a file (TypeScript through
 * tsx, or JavaScript), optionally an export (`app.ts:app`) or a factory call
 * with literal arguments (`app.ts:createApp({"DEBUG": true})`); without a
 * spec, `app.ts`, `app.js`, `src/app.ts` or `src/app.js` and an exported
 * `app` or `createApp`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { register as registerHooks } from 'node:module'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { RUN_FROM_CLI } from '../server/main-module.ts'
import type { RunnableApp } from '../server/serve.ts'
import { CliError } from '../core/commands.ts'

/**
 * The app could not be found or loaded. Exit code 2, as a usage error.
 *
 * @example
 * ```ts
 * throw new NoAppError("Could not find the file 'ap.ts'.")
 * ```
 */
export class NoAppError extends CliError {
  constructor(message: string, exitCode = 2) {
    super(message, exitCode)
    this.name = 'NoAppError'
  }
}

/**
 * A parsed `--app` value.
 *
 * @example
 * ```ts
 * const spec: AppSpec = parseAppSpec('app.ts:createApp()') // { path: 'app.ts', name: 'createApp', args: [] }
 * ```
 */
export interface AppSpec {
  /** The file as given. */
  path: string
  /** The export to use, or null to search. */
  name: string | null
  /** Literal arguments of a factory call, or null when no call was written. */
  args: unknown[] | null
}

/**
 * The files tried, in order, when no app is named.
 *
 * @example
 * ```ts
 * DEFAULT_APP_FILES[0] // 'app.ts'
 * ```
 */
export const DEFAULT_APP_FILES = ['app.ts', 'app.js', 'src/app.ts', 'src/app.js'] as const

const SPEC = /^(.*?)(?::([A-Za-z_$][\w$]*)(?:\((.*)\))?)?$/s
const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs']

/**
 * Parses `file[:name[(args)]]`; the arguments are JSON values.
 *
 * @example
 * ```ts
 * parseAppSpec('app.ts:createApp({"DEBUG": true})')
 * // { path: 'app.ts', name: 'createApp', args: [{ DEBUG: true }] }
 * ```
 */
export function parseAppSpec(spec: string): AppSpec {
  const m = SPEC.exec(spec.trim())
  if (!m || !m[1]) throw new NoAppError(`'${spec}' is not a valid app spec: use 'file.ts', 'file.ts:app' or 'file.ts:createApp()'.`)
  const [, path, name, rawArgs] = m
  let args: unknown[] | null = null
  if (rawArgs !== undefined) {
    try {
      args = rawArgs.trim() === '' ? [] : (JSON.parse(`[${rawArgs}]`) as unknown[])
    } catch {
      throw new NoAppError(
        `Failed to parse the arguments of '${name}' as literal values: (${rawArgs}). ` +
          'Use JSON literals, e.g. createApp("dev", {"DEBUG": true}).',
      )
    }
  }
  return { path, name: name ?? null, args }
}

/**
 * The absolute path of an app file: as given, or with `.ts` / `.js` added,
 * or `app.ts` / `index.ts` inside a folder. Null when there is none.
 *
 * @example
 * ```ts
 * resolveAppFile('hello', '/srv/app') // '/srv/app/hello.ts' when that exists
 * ```
 */
export function resolveAppFile(path: string, cwd: string = process.cwd()): string | null {
  const base = isAbsolute(path) ? path : resolve(cwd, path)
  const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile()
  if (isFile(base)) return base
  for (const ext of EXTENSIONS) if (isFile(base + ext)) return base + ext
  if (existsSync(base) && statSync(base).isDirectory()) {
    for (const name of ['app', 'index']) for (const ext of EXTENSIONS) if (isFile(resolve(base, name + ext))) return resolve(base, name + ext)
  }
  return null
}

/**
 * The file of the app `spec` names, or of the default app; throws
 * {@link NoAppError} with a clear message when there is none. Does not
 * import it.
 *
 * @example
 * ```ts
 * locateAppFile(undefined, process.cwd()) // '/srv/app/src/app.ts'
 * ```
 */
export function locateAppFile(spec: string | undefined, cwd: string = process.cwd()): { file: string; spec: AppSpec } {
  if (spec === undefined || spec.trim() === '') {
    for (const candidate of DEFAULT_APP_FILES) {
      const file = resolve(cwd, candidate)
      if (existsSync(file)) return { file, spec: { path: candidate, name: null, args: null } }
    }
    throw new NoAppError(
      'Could not locate a Phial application. Use the \'phial --app\' option, the \'PHIAL_APP\' environment variable, ' +
        `or an ${DEFAULT_APP_FILES.map((f) => `'${f}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')} file in the current directory (${cwd}).`,
    )
  }
  const parsed = parseAppSpec(spec)
  const file = resolveAppFile(parsed.path, cwd)
  if (file === null) throw new NoAppError(`Could not find the app file '${parsed.path}' (looked for ${resolve(cwd, parsed.path)}).`)
  return { file, spec: parsed }
}

/**
 * Whether a value is a Phial app (duck-typed, so that an app importing
 * Phial from the sources and a CLI from dist/ still agree).
 *
 * @example
 * ```ts
 * isPhialApp(new Phial(import.meta.url)) // true
 * ```
 */
export function isPhialApp(value: unknown): value is RunnableApp {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.appContext === 'function' && typeof v.run === 'function' && typeof v.urlMap === 'object' && typeof v.config === 'object'
}

const TSX_FLAG = Symbol.for('phial.tsx-registered')
const SOURCE_HOOK = `data:text/javascript,${encodeURIComponent(
  'export async function resolve(s, c, next) { return next(s, c.conditions.includes("source") ? c : { ...c, conditions: [...c.conditions, "source"] }) }',
)}`

/**
 * Registers tsx's loader (once), so that `.ts` files can be imported; with
 * `sourceCondition`, also resolves packages with the `source` export
 * condition (running Phial from its sources, without a build).
 *
 * @example
 * ```ts
 * await ensureTypeScript()
 * await import('./app.ts')
 * ```
 */
export async function ensureTypeScript(options: { sourceCondition?: boolean } = {}): Promise<void> {
  const state = globalThis as Record<symbol, unknown>
  if (state[TSX_FLAG]) return
  state[TSX_FLAG] = true
  const { register } = await import('tsx/esm/api')
  register()
  if (options.sourceCondition) registerHooks(SOURCE_HOOK)
}

/** Whether Node treats this file as an ES module (`.mts`/`.mjs`, or `"type": "module"` in the nearest package.json). */
function isEsmScope(file: string): boolean {
  if (/\.m[jt]s$/.test(file)) return true
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type === 'module'
      } catch {
        return false
      }
    }
    if (dirname(dir) === dir) return false
  }
}

function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file)
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel
}

async function callFactory(fn: (...args: unknown[]) => unknown, label: string, args: unknown[], where: string): Promise<RunnableApp> {
  let result: unknown
  try {
    result = await fn(...args)
  } catch (err) {
    const error = new NoAppError(`The factory '${label}' in '${where}' raised an error: ${(err as Error)?.stack ?? String(err)}`, 1)
    throw Object.assign(error, { cause: err })
  }
  if (!isPhialApp(result)) {
    throw new NoAppError(`A valid Phial application was not obtained from '${where}:${label}(${args.map((a) => JSON.stringify(a)).join(', ')})'.`)
  }
  return result
}

/**
 * Picks the app out of a module: the named export (an app, or a factory
 * called with `args`), else `app`, `application`, a default-exported app,
 * the only exported app, or a `createApp` / `makeApp` factory.
 *
 * @example
 * ```ts
 * const app = await findApp(await import('./app.ts'), { path: 'app.ts', name: null, args: null }, 'app.ts')
 * ```
 */
export async function findApp(module: Record<string, unknown>, spec: AppSpec, where: string = spec.path): Promise<RunnableApp> {
  if (spec.name !== null) {
    if (!(spec.name in module)) throw new NoAppError(`Failed to find attribute '${spec.name}' in '${where}'.`)
    const value = module[spec.name]
    if (isPhialApp(value)) {
      if (spec.args !== null) throw new NoAppError(`'${spec.name}' in '${where}' is an app, not a factory: drop the parentheses.`)
      return value
    }
    if (typeof value === 'function') return callFactory(value as (...a: unknown[]) => unknown, spec.name, spec.args ?? [], where)
    throw new NoAppError(`'${spec.name}' in '${where}' is neither a Phial application nor a factory function.`)
  }
  for (const name of ['app', 'application', 'default']) if (isPhialApp(module[name])) return module[name] as RunnableApp
  const apps = Object.entries(module).filter(([, v]) => isPhialApp(v))
  if (apps.length === 1) return apps[0][1] as RunnableApp
  if (apps.length > 1) {
    throw new NoAppError(
      `Detected multiple Phial applications in '${where}' (${apps.map(([n]) => `'${n}'`).join(', ')}). ` +
        `Use '--app ${where}:name' to pick the right one.`,
    )
  }
  for (const name of ['createApp', 'makeApp']) {
    const fn = module[name]
    if (typeof fn === 'function') return callFactory(fn as (...a: unknown[]) => unknown, name, [], where)
  }
  throw new NoAppError(
    `Failed to find a Phial application or factory in '${where}'. Export an 'app' (new Phial(...)) or a 'createApp' factory, ` +
      `or name one with '--app ${where}:name'.`,
  )
}

/**
 * Locates, imports and returns the app (see the module comment).
 *
 * @example
 * ```ts
 * const { app, file } = await loadApp(process.env.PHIAL_APP)
 * ```
 */
export async function loadApp(spec: string | undefined, cwd: string = process.cwd()): Promise<{ app: RunnableApp; file: string }> {
  const { file, spec: parsed } = locateAppFile(spec, cwd)
  const where = shown(file, cwd)
  if (/\.[cm]?tsx?$/.test(file)) await ensureTypeScript()
  let module: Record<string, unknown>
  // while the command loads the app, a bare `app.run()` in it is ignored (Flask's FLASK_RUN_FROM_CLI)
  const previous = process.env[RUN_FROM_CLI]
  process.env[RUN_FROM_CLI] = 'true'
  try {
    try {
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>
    } catch (err) {
      const hint = isEsmScope(file) ? '' : `\n\nHint: Phial apps are ES modules: add "type": "module" to the package.json beside '${where}' (or name it .mts / .mjs).`
      const error = new NoAppError(`While importing '${where}', an error was raised:\n\n${(err as Error)?.stack ?? String(err)}${hint}`, 1)
      throw Object.assign(error, { cause: err })
    }
    return { app: await findApp(module, parsed, where), file }
  } finally {
    if (previous === undefined) delete process.env[RUN_FROM_CLI]
    else process.env[RUN_FROM_CLI] = previous
  }
}
