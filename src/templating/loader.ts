/**
 * Finds templates the way Flask's `DispatchingJinjaLoader` does: the app's
 * template folder first, then each registered blueprint's, in registration
 * order — or through the loader `app.createGlobalTemplateLoader()` returns.
 * It reads and compiles a template once; with auto-reload on, the
 * environment asks it whether a loaded file changed (one `stat` per use).
 * With `EXPLAIN_TEMPLATE_LOADING` it logs every folder it tried, as Flask's
 * `explain_template_loading_attempts` does.
 *
 * @module
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { AppCore } from '../core/app-core.ts'
import { contextStorage } from '../core/context.ts'
import type { TemplateSource, TemplateSourceLoader } from '../core/template-registry.ts'
import type { TemplateInfo } from './errors.ts'
import type { LoaderSource, NunjucksLoader, NunjucksTemplate, TemplateProps } from './nunjucks.ts'

/**
 * Compiles a loaded template's source.
 *
 * @example
 * ```ts
 * const compile: CompileFunction = (source, info) => compileTemplate(source, info, env)
 * ```
 */
export type CompileFunction = (source: string, template: TemplateInfo) => TemplateProps

interface Loaded {
  filename: string | null
  mtimeMs: number
  size: number
  upToDate?: () => boolean
}

/** A template folder and whose it is: the app's, or a blueprint's. */
interface Source {
  folder: string
  /** `application 'name'` or `blueprint 'name' (root folder)`, as Flask's log names them. */
  owner: string
}

/** Every file below `folder`, as template names (`/`-separated). */
function walk(folder: string, prefix: string, out: string[]): void {
  let entries
  try {
    entries = readdirSync(folder, { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    const name = prefix + entry.name
    if (entry.isDirectory()) walk(join(folder, entry.name), name + '/', out)
    else if (entry.isFile()) out.push(name)
  }
}

/**
 * The segments of a template name, or null for a name that would leave the
 * template folder (`..`), as Jinja's `split_template_path` refuses them.
 *
 * @example
 * ```ts
 * templatePathSegments('auth/login.html') // ['auth', 'login.html']
 * templatePathSegments('../secret.txt')   // null
 * ```
 */
export function templatePathSegments(name: string): string[] | null {
  const segments: string[] = []
  for (const piece of name.split('/')) {
    if (piece === '..' || piece.includes('\\') || piece.includes('\0')) return null
    if (piece !== '' && piece !== '.') segments.push(piece)
  }
  return segments.length ? segments : null
}

/**
 * The loader of an app's template environment.
 *
 * @example
 * ```ts
 * const loader = new TemplateLoader(app, (src, info) => compileTemplate(src, info, env))
 * loader.searchPath() // ['/srv/app/templates', '/srv/app/auth/templates']
 * ```
 */
export class TemplateLoader implements NunjucksLoader {
  /** Compiled templates by name (managed by Nunjucks' environment). */
  cache: Record<string, NunjucksTemplate | null | undefined> = {}
  /** The loader from `app.createGlobalTemplateLoader()`, or null for the template folders. */
  readonly global: TemplateSourceLoader | null
  readonly #app: AppCore
  readonly #compile: CompileFunction
  readonly #loaded = new Map<string, Loaded>()

  constructor(app: AppCore, compile: CompileFunction) {
    this.#app = app
    this.#compile = compile
    this.global = app.createGlobalTemplateLoader()
  }

  /** The template folders with their owners, in lookup order, each once. */
  #sources(): Source[] {
    const sources: Source[] = []
    // a scaffold without a template folder may have no root path either: read it only with one
    const add = (scaffold: { rootPath: string; templateFolder: string | null }, owner: (root: string) => string): void => {
      if (scaffold.templateFolder === null) return
      const root = scaffold.rootPath
      const folder = resolve(root, scaffold.templateFolder)
      if (!sources.some((s) => s.folder === folder)) sources.push({ folder, owner: owner(root) })
    }
    add(this.#app, () => `application '${this.#app.name}'`)
    for (const [name, blueprint] of this.#app.blueprints) add(blueprint, (root) => `blueprint '${name}' (${root})`)
    return sources
  }

  /**
   * The template folders, in lookup order: the app's, then its blueprints'.
   *
   * @example
   * ```ts
   * app.templateEnvironment.loader.searchPath()
   * ```
   */
  searchPath(): string[] {
    return this.#sources().map((s) => s.folder)
  }

  /**
   * Every template name the loader can load, sorted, each once (Jinja's
   * `list_templates`): the files of every template folder, or what the
   * global loader lists.
   *
   * @example
   * ```ts
   * app.templateEnvironment.loader.listTemplates() // ['admin/index.html', 'frontend/index.html']
   * ```
   */
  listTemplates(): string[] {
    if (this.global !== null) {
      if (typeof this.global.listTemplates !== 'function') {
        throw new TypeError('The global template loader cannot list its templates: give it a listTemplates() method.')
      }
      return [...new Set(this.global.listTemplates())].sort()
    }
    const names: string[] = []
    for (const { folder } of this.#sources()) walk(folder, '', names)
    return [...new Set(names)].sort()
  }

  /** Reads and compiles `name` from the first folder that has it (or from the global loader), or null. */
  getSource(name: string): LoaderSource | null {
    if (this.global !== null) return this.#fromGlobal(name)
    const segments = templatePathSegments(name)
    if (segments === null) return null
    if (this.#app.config.EXPLAIN_TEMPLATE_LOADING === true) return this.#explained(name, segments)
    for (const { folder } of this.#sources()) {
      const filename = join(folder, ...segments)
      const stat = statSync(filename, { throwIfNoEntry: false })
      if (stat !== undefined && stat.isFile()) return this.#load(name, filename, stat)
    }
    return null
  }

  #load(name: string, filename: string, stat: { mtimeMs: number; size: number }): LoaderSource {
    const source = readFileSync(filename, 'utf8')
    const props = this.#compile(source, { name, filename })
    this.#loaded.set(name, { filename, mtimeMs: stat.mtimeMs, size: stat.size })
    return { src: { type: 'code', obj: props }, path: filename, noCache: false }
  }

  #fromGlobal(name: string): LoaderSource | null {
    const found: TemplateSource | null = this.global!.getSource(name)
    if (found === null || found === undefined) return null
    const props = this.#compile(found.source, { name, filename: found.filename })
    this.#loaded.set(name, { filename: null, mtimeMs: 0, size: 0, upToDate: found.upToDate })
    return { src: { type: 'code', obj: props }, path: found.filename ?? name, noCache: false }
  }

  /**
   * `EXPLAIN_TEMPLATE_LOADING`: tries every folder (to notice a name found
   * twice), logs the attempts as Flask does, and loads the first match.
   */
  #explained(name: string, segments: string[]): LoaderSource | null {
    const lines = [`Locating template '${name}':`]
    const tried: Array<{ loader: string; folder: string; found: boolean }> = []
    let first: { filename: string; stat: { mtimeMs: number; size: number } } | null = null
    this.#sources().forEach(({ folder, owner }, i) => {
      const filename = join(folder, ...segments)
      const stat = statSync(filename, { throwIfNoEntry: false })
      const found = stat !== undefined && stat.isFile()
      lines.push(`${String(i + 1).padStart(5)}: trying loader of ${owner}`, `       folder: ${folder}`)
      lines.push(found ? `       -> found ('${filename}')` : '       -> no match')
      tried.push({ loader: owner, folder, found })
      if (found && first === null) first = { filename, stat: stat! }
    })
    const matches = tried.filter((t) => t.found).length
    if (matches === 0) lines.push('Error: the template could not be found.')
    else if (matches > 1) lines.push('Warning: multiple loaders returned a match for the template.')
    const ctx = contextStorage.getStore()
    const blueprint = ctx !== undefined && ctx.app === this.#app && ctx.hasRequest ? ctx.request.blueprint : null
    if (blueprint && matches !== 1) {
      lines.push(
        `  The template was looked up from an endpoint that belongs to the blueprint '${blueprint}'.`,
        '  Maybe you did not place a template in the right folder?',
        "  See the blueprint templates section of Phial's docs: docs/blueprints.md#templates",
      )
    }
    this.#app.logger.info({ template: name, blueprint, tried }, lines.join('\n'))
    if (first === null) return null
    const { filename, stat } = first as { filename: string; stat: { mtimeMs: number; size: number } }
    return this.#load(name, filename, stat)
  }

  /**
   * Drops `name` from the cache when its file changed or disappeared since it
   * was loaded (or, from the global loader, when its `upToDate()` says so).
   *
   * @example
   * ```ts
   * loader.invalidateIfStale('index.html')
   * ```
   */
  invalidateIfStale(name: string): void {
    const loaded = this.#loaded.get(name)
    if (loaded === undefined || !this.cache[name]) return
    let stale: boolean
    if (loaded.filename === null) stale = loaded.upToDate !== undefined && !loaded.upToDate()
    else {
      const stat = statSync(loaded.filename, { throwIfNoEntry: false })
      stale = stat === undefined || stat.mtimeMs !== loaded.mtimeMs || stat.size !== loaded.size
    }
    if (stale) {
      this.cache[name] = null
      this.#loaded.delete(name)
    }
  }
}
