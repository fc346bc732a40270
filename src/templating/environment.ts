/**
 * The per-app template environment (Flask's `app.jinja_env`): a Nunjucks
 * `Environment` created on first use, with the app-then-blueprints loader,
 * Jinja's filters, tests and globals, autoescape decided per template from
 * its name, compiled templates cached, and changed files reloaded when
 * `TEMPLATES_AUTO_RELOAD` (default: `DEBUG`) is on.
 *
 * @module
 */
import type { AppCore } from '../core/app-core.ts'
import { compileTemplate } from './compiler.ts'
import { TemplateNotFound, type TemplateInfo } from './errors.ts'
import { installFilters } from './filters.ts'
import { installGlobals } from './globals.ts'
import { TemplateLoader } from './loader.ts'
import { lazyBase, nunjucks, type NunjucksTemplate, type TemplateCallback, type TemplateProps } from './nunjucks.ts'
import { installTests } from './tests.ts'

/**
 * File name endings whose templates autoescape (Flask's list).
 *
 * @example
 * ```ts
 * AUTOESCAPE_EXTENSIONS.includes('.svg') // true
 * ```
 */
export const AUTOESCAPE_EXTENSIONS: readonly string[] = ['.html', '.htm', '.xml', '.xhtml', '.svg']

/**
 * Flask's `select_jinja_autoescape`: true for `.html`, `.htm`, `.xml`,
 * `.xhtml` and `.svg` templates and for template strings (`name` null).
 *
 * @example
 * ```ts
 * selectAutoescape('index.html') // true
 * selectAutoescape('email.txt')  // false
 * selectAutoescape(null)         // true
 * ```
 */
export function selectAutoescape(name: string | null): boolean {
  if (name === null) return true
  const lower = name.toLowerCase()
  return AUTOESCAPE_EXTENSIONS.some((ext) => lower.endsWith(ext))
}

const STRING_CACHE_SIZE = 200

const isNotFound = (err: unknown): boolean => err instanceof Error && err.message.startsWith('template not found: ')

// lazyBase: Nunjucks loads when the first environment is made, not at import
/**
 * An app's template environment: a Nunjucks `Environment` (add extensions,
 * set `opts.trimBlocks`, read `filters` and `globals` on it) that Phial
 * renders with. Get it from `app.templateEnvironment`.
 *
 * Nunjucks' autoescape switch is global; Phial keeps two views of one
 * environment — this one (no escaping) and {@link escaping} — that share
 * loaders, cache, filters and globals, and binds each compiled template to
 * the one {@link selectAutoescape} picks for its name.
 *
 * @example
 * ```ts
 * const env = app.templateEnvironment
 * env.opts.trimBlocks = true           // before templates are compiled
 * env.selectAutoescape = (name) => name === null || /\.(html|jinja)$/.test(name)
 * ```
 */
export class TemplateEnvironment extends lazyBase(() => nunjucks.Environment) {
  /** The app this environment renders for. */
  readonly app: AppCore
  /** The loader: the app's template folder, then each blueprint's. */
  readonly loader: TemplateLoader
  /** This environment with `autoescape` on. */
  readonly escaping: TemplateEnvironment
  /** This environment with `autoescape` off. */
  readonly unescaped: TemplateEnvironment
  /** Decides from a template's name (null: a template string) whether its output is escaped. */
  selectAutoescape: (name: string | null) => boolean = selectAutoescape
  /** Keep a single newline at the end of a template (Jinja's `keep_trailing_newline`, default false: dropped). */
  keepTrailingNewline = false
  /** Compiled template strings by source (bounded). */
  readonly stringTemplates = new Map<string, NunjucksTemplate>()
  /** Versions of the app's filter, test and global registries last copied in. */
  readonly syncedVersions = { filters: -1, tests: -1, globals: -1 }

  constructor(app: AppCore) {
    let self: TemplateEnvironment | null = null
    const loader = new TemplateLoader(app, (source, info) => self!.compile(source, info))
    super([loader], { autoescape: false, dev: true, throwOnUndefined: false, trimBlocks: false, lstripBlocks: false })
    self = this
    this.app = app
    this.loader = loader
    this.unescaped = this
    const escaping = Object.create(this) as TemplateEnvironment
    Object.defineProperty(escaping, 'opts', {
      value: Object.create(this.opts, { autoescape: { value: true, writable: true, enumerable: true } }),
      writable: true,
      enumerable: true,
    })
    this.escaping = escaping
    installFilters(this)
    installTests(this)
    installGlobals(this, app)
    this.sync()
  }

  /**
   * The view of this environment a template named `name` renders with.
   *
   * @example
   * ```ts
   * env.environmentFor('mail.txt').opts.autoescape // false
   * ```
   */
  environmentFor(name: string | null): TemplateEnvironment {
    return this.selectAutoescape(name) ? this.escaping : this.unescaped
  }

  /**
   * Compiles a template's source for the view {@link environmentFor} picks
   * from its name, dropping one trailing newline as Jinja does.
   *
   * @example
   * ```ts
   * env.compile('Hi {{ name }}\n', { name: 'hi.txt', filename: null })
   * ```
   */
  compile(source: string, template: TemplateInfo): TemplateProps {
    let src = source
    if (!this.keepTrailingNewline) src = src.replace(/\r?\n$/, '')
    return compileTemplate(src, template, this.environmentFor(template.name))
  }

  /** `TEMPLATES_AUTO_RELOAD`, or `DEBUG` when it is null. */
  get autoReload(): boolean {
    const config = this.app.config
    const value = config.TEMPLATES_AUTO_RELOAD
    return value === null || value === undefined ? config.DEBUG === true : value === true
  }

  /**
   * Nunjucks' `getTemplate`, which compiled templates call for `extends`,
   * `include` and `import`: reloads a changed file in auto-reload mode and
   * reports a missing template as {@link TemplateNotFound}.
   *
   * @example
   * ```ts
   * const template = app.templateEnvironment.getTemplate('index.html')!
   * ```
   */
  override getTemplate(
    name: string | NunjucksTemplate,
    eagerCompile?: boolean | TemplateCallback,
    parentName?: string | null | TemplateCallback,
    ignoreMissing?: boolean,
    cb?: TemplateCallback,
  ): NunjucksTemplate | undefined {
    if (typeof parentName === 'function') {
      cb = parentName
      parentName = null
    }
    if (typeof eagerCompile === 'function') {
      cb = eagerCompile
      eagerCompile = false
    }
    if (typeof name === 'string' && this.autoReload) this.loader.invalidateIfStale(name)
    const notFound = (err: unknown): unknown =>
      typeof name === 'string' && isNotFound(err) ? new TemplateNotFound(name, this.loader.searchPath(), parentName as string | null) : err
    if (cb !== undefined) {
      const done = cb
      return super.getTemplate(name, eagerCompile, parentName, ignoreMissing, (err, template) =>
        err ? done(notFound(err)) : done(null, template),
      )
    }
    try {
      return super.getTemplate(name, eagerCompile, parentName, ignoreMissing)
    } catch (err) {
      throw notFound(err)
    }
  }

  /**
   * The first of `names` that exists (Flask's `get_or_select_template`) and
   * the name it was found under.
   *
   * @example
   * ```ts
   * const [template, name] = env.selectTemplate(['theme/index.html', 'index.html'])
   * ```
   */
  selectTemplate(names: string | readonly string[]): [NunjucksTemplate, string] {
    if (typeof names === 'string') return [this.getTemplate(names)!, names]
    for (const name of names) {
      try {
        return [this.getTemplate(name)!, name]
      } catch (err) {
        if (!(err instanceof TemplateNotFound) || err.names[0] !== name) throw err
      }
    }
    throw new TemplateNotFound(names, this.loader.searchPath())
  }

  /**
   * Every template name the app can render, sorted (Jinja's
   * `list_templates`): the files of the app's and the blueprints' template
   * folders, or what the global loader lists.
   *
   * @example
   * ```ts
   * app.templateEnvironment.listTemplates() // ['admin/index.html', 'frontend/index.html']
   * ```
   */
  listTemplates(): string[] {
    return this.loader.listTemplates()
  }

  /**
   * A compiled template string (autoescaped unless {@link selectAutoescape}
   * says otherwise for `null`); the last compiled ones are cached by source.
   *
   * @example
   * ```ts
   * env.fromString('Hello {{ name }}').render({ name: '<you>' }) // 'Hello &lt;you&gt;'
   * ```
   */
  fromString(source: string): NunjucksTemplate {
    const cache = this.stringTemplates
    let template = cache.get(source)
    if (template === undefined) {
      const props = this.compile(source, { name: null, filename: null })
      template = new nunjucks.Template({ type: 'code', obj: props }, this.environmentFor(null), undefined, true)
      if (cache.size >= STRING_CACHE_SIZE) cache.delete(cache.keys().next().value!)
      cache.set(source, template)
    }
    return template
  }

  /**
   * Copies filters, tests and globals registered on the app (or its
   * blueprints) since the last call.
   *
   * @example
   * ```ts
   * app.templateFilter('shout', (s: string) => s.toUpperCase()); env.sync()
   * ```
   */
  sync(): void {
    const { templateFilters, templateTests, templateGlobals } = this.app
    const v = this.syncedVersions
    if (templateFilters.version !== v.filters) {
      for (const [name, fn] of templateFilters) this.addFilter(name, fn)
      v.filters = templateFilters.version
    }
    if (templateTests.version !== v.tests) {
      for (const [name, fn] of templateTests) this.addTest(name, fn)
      v.tests = templateTests.version
    }
    if (templateGlobals.version !== v.globals) {
      for (const [name, value] of templateGlobals) this.addGlobal(name, value)
      v.globals = templateGlobals.version
    }
  }
}

const environments = new WeakMap<AppCore, TemplateEnvironment>()

/**
 * The app's template environment, created on first use and kept up to date
 * with filters, tests and globals registered since.
 *
 * @example
 * ```ts
 * getTemplateEnvironment(app).addExtension('MyTag', new MyTagExtension())
 * ```
 */
export function getTemplateEnvironment(app: AppCore): TemplateEnvironment {
  let env = environments.get(app)
  if (env === undefined) {
    env = new TemplateEnvironment(app)
    environments.set(app, env)
  } else env.sync()
  return env
}
