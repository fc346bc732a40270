/**
 * Finds templates the way Flask's `DispatchingJinjaLoader` does: the app's
 * template folder first, then each registered blueprint's, in registration
 * order. It reads and compiles a template once; with auto-reload on, the
 * environment asks it whether a loaded file changed (one `stat` per use).
 *
 * @module
 */
import { readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { AppCore } from '../core/app-core.ts'
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
  filename: string
  mtimeMs: number
  size: number
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
  readonly #app: AppCore
  readonly #compile: CompileFunction
  readonly #loaded = new Map<string, Loaded>()

  constructor(app: AppCore, compile: CompileFunction) {
    this.#app = app
    this.#compile = compile
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
    const folders: string[] = []
    const add = (scaffold: { rootPath: string; templateFolder: string | null }): void => {
      if (scaffold.templateFolder === null) return
      const folder = resolve(scaffold.rootPath, scaffold.templateFolder)
      if (!folders.includes(folder)) folders.push(folder)
    }
    add(this.#app)
    for (const blueprint of this.#app.blueprints.values()) add(blueprint)
    return folders
  }

  /** Reads and compiles `name` from the first folder that has it, or null. */
  getSource(name: string): LoaderSource | null {
    const segments = templatePathSegments(name)
    const explain = this.#app.config.EXPLAIN_TEMPLATE_LOADING === true
    const tried: string[] = []
    if (segments !== null) {
      for (const folder of this.searchPath()) {
        const filename = join(folder, ...segments)
        const stat = statSync(filename, { throwIfNoEntry: false })
        if (stat === undefined || !stat.isFile()) {
          if (explain) tried.push(`${filename}: no such file`)
          continue
        }
        const source = readFileSync(filename, 'utf8')
        const props = this.#compile(source, { name, filename })
        this.#loaded.set(name, { filename, mtimeMs: stat.mtimeMs, size: stat.size })
        if (explain) this.#app.logger.info({ template: name, tried, found: filename }, `Loaded template "${name}"`)
        return { src: { type: 'code', obj: props }, path: filename, noCache: false }
      }
    }
    if (explain) this.#app.logger.info({ template: name, tried }, `Template "${name}" not found`)
    return null
  }

  /**
   * Drops `name` from the cache when its file changed or disappeared since it
   * was loaded.
   *
   * @example
   * ```ts
   * loader.invalidateIfStale('index.html')
   * ```
   */
  invalidateIfStale(name: string): void {
    const loaded = this.#loaded.get(name)
    if (loaded === undefined || !this.cache[name]) return
    const stat = statSync(loaded.filename, { throwIfNoEntry: false })
    if (stat === undefined || stat.mtimeMs !== loaded.mtimeMs || stat.size !== loaded.size) {
      this.cache[name] = null
      this.#loaded.delete(name)
    }
  }
}
