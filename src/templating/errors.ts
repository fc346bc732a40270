/**
 * Template errors that say where they happened: the template's name, its
 * file, the line and the column. Syntax errors, runtime errors (a failing
 * filter, calling something undefined) and missing templates all end up as a
 * {@link TemplateError}, with the original error as `cause`.
 *
 * @module
 */
import { HTTPException } from '../http/exceptions.ts'
import type { NunjucksTemplateError } from './nunjucks.ts'

/**
 * Which template something came from.
 *
 * @example
 * ```ts
 * const info: TemplateInfo = { name: 'index.html', filename: '/srv/app/templates/index.html' }
 * ```
 */
export interface TemplateInfo {
  /** The name it was loaded by (`auth/login.html`), or null for a template string. */
  name: string | null
  /** The file it was read from, or null for a template string. */
  filename: string | null
}

/**
 * Where in a template an error happened.
 *
 * @example
 * ```ts
 * const where: TemplateLocation = { name: 'index.html', filename: null, lineno: 3, colno: 12 }
 * ```
 */
export interface TemplateLocation extends TemplateInfo {
  /** 1-based line, or null when unknown. */
  lineno: number | null
  /** 1-based column, or null when unknown. */
  colno: number | null
}

function where(location: Partial<TemplateLocation>): string {
  const name = location.name === null || location.name === undefined ? 'template string' : `template "${location.name}"`
  let text = location.filename ? `${name} (${location.filename})` : name
  if (location.lineno) text += `, line ${location.lineno}`
  if (location.colno) text += `, column ${location.colno}`
  return text
}

/**
 * A template failed to compile or to render. The message starts with the
 * template's name, file, line and column; `cause` holds the original error
 * of a runtime failure.
 *
 * @example
 * ```ts
 * try {
 *   await renderTemplate('index.html')
 * } catch (err) {
 *   if (err instanceof TemplateError) console.log(err.filename, err.lineno, err.description)
 * }
 * ```
 */
export class TemplateError extends Error {
  override name = 'TemplateError'
  /** The template's name, or null for a template string. */
  readonly template: string | null
  /** The template's file, or null. */
  readonly filename: string | null
  /** 1-based line, or null. */
  readonly lineno: number | null
  /** 1-based column, or null. */
  readonly colno: number | null
  /** What went wrong, without the location. */
  readonly description: string

  constructor(description: string, location: Partial<TemplateLocation> = {}, options?: { cause?: unknown }) {
    super(location.name !== undefined || location.lineno ? `In ${where(location)}: ${description}` : description, options)
    this.template = location.name ?? null
    this.filename = location.filename ?? null
    this.lineno = location.lineno ?? null
    this.colno = location.colno ?? null
    this.description = description
    this.#setStack()
  }

  /** A stack whose first frame is the template file, so tracebacks and the debug page show its source. */
  #setStack(): void {
    const kind = (this.constructor as { errorName?: string }).errorName ?? 'TemplateError'
    let stack = `${kind}: ${this.message}`
    if (this.filename !== null && this.lineno !== null) {
      stack += `\n    at template "${this.template ?? this.filename}" (${this.filename}:${this.lineno}:${this.colno ?? 1})`
    }
    const cause = this.cause
    const frames = cause instanceof Error && typeof cause.stack === 'string' ? cause.stack.split('\n').filter((l) => /^\s+at /.test(l)) : []
    if (frames.length > 0) stack += `\n${frames.join('\n')}`
    this.stack = stack
  }

  /** The name used in the stack's first line. @internal */
  static errorName = 'TemplateError'
}

/**
 * A template has invalid syntax (Jinja's `TemplateSyntaxError`).
 *
 * @example
 * ```ts
 * await renderTemplateString('{% for %}') // rejects: TemplateSyntaxError: In template string, line 1, column 8: ...
 * ```
 */
export class TemplateSyntaxError extends TemplateError {
  override name = 'TemplateSyntaxError'
  static override errorName = 'TemplateSyntaxError'
}

/**
 * No template folder has the template (Jinja's `TemplateNotFound` and
 * `TemplatesNotFound`). `names` lists every name tried, `searchPath` the
 * folders searched, in order.
 *
 * @example
 * ```ts
 * await renderTemplate(['custom/home.html', 'home.html']).catch((e: TemplateNotFound) => e.names)
 * ```
 */
export class TemplateNotFound extends TemplateError {
  override name = 'TemplateNotFound'
  static override errorName = 'TemplateNotFound'
  /** The names tried. */
  readonly names: readonly string[]
  /** The folders searched, in order. */
  readonly searchPath: readonly string[]

  constructor(names: string | readonly string[], searchPath: readonly string[], includedFrom?: string | null) {
    const list = typeof names === 'string' ? [names] : names
    const what =
      list.length === 1 ? `Template "${list[0]}" not found` : `None of the templates ${list.map((n) => `"${n}"`).join(', ')} was found`
    const from = includedFrom ? ` (loaded from "${includedFrom}")` : ''
    const searched = searchPath.length ? `searched ${searchPath.join(', ')}` : 'the app and its blueprints have no template folder'
    super(`${what}${from}; ${searched}.`)
    this.names = list
    this.searchPath = searchPath
  }
}

/**
 * The innermost Phial `TemplateError` in an error's `cause` chain, or null.
 *
 * @example
 * ```ts
 * findTemplateError(new Error('wrapped', { cause: templateError })) === templateError // true
 * ```
 */
export function findTemplateError(error: unknown): TemplateError | null {
  let found: TemplateError | null = null
  let current: unknown = error
  for (let depth = 0; current instanceof Error && depth < 32; depth++) {
    if (current instanceof TemplateError) found = current
    current = (current as { cause?: unknown }).cause
  }
  return found
}

/**
 * `TypeError: message`, or just the message for a plain `Error`.
 *
 * @example
 * ```ts
 * describeError(new TypeError('bad')) // 'TypeError: bad'
 * ```
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message
}

/**
 * The error compiled template code reports for `error`, raised at the
 * 0-based `lineno`/`colno` of `template` (this replaces Nunjucks'
 * `runtime.handleError`). An error that already carries a location keeps it.
 *
 * @example
 * ```ts
 * locateError(new Error('boom'), { name: 'a.html', filename: null }, 2, 4).message
 * // 'In template "a.html", line 3, column 5: boom'
 * ```
 */
export function locateError(error: unknown, template: TemplateInfo, lineno: number, colno: number): TemplateError {
  const located = findTemplateError(error)
  if (located !== null) return located
  const nj = error as NunjucksTemplateError
  if (error instanceof Error && typeof nj.lineno === 'number' && nj.lineno > 0 && nj.Update !== undefined && nj.cause === undefined) {
    // Raised by Nunjucks itself with a 1-based position (e.g. throwOnUndefined).
    return new TemplateError(nj.message, { ...template, lineno: nj.lineno, colno: nj.colno ?? null })
  }
  return new TemplateError(describeError(error), { ...template, lineno: lineno + 1, colno: colno + 1 }, { cause: error })
}

/**
 * The error `renderTemplate` rejects with for an error out of Nunjucks: the
 * located {@link TemplateError} inside it, or the HTTP exception a template
 * raised (`abort()` in a global), or a new error naming `template`.
 *
 * @example
 * ```ts
 * try { template.render(vars) } catch (err) { throw toTemplateError(err, { name: 'index.html', filename: null }) }
 * ```
 */
export function toTemplateError(error: unknown, template: TemplateInfo): Error {
  const located = findTemplateError(error)
  if (located !== null) return located.cause instanceof HTTPException ? located.cause : located
  if (error instanceof HTTPException) return error
  return new TemplateError(describeError(error), template, { cause: error })
}
