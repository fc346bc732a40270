/**
 * `BadRequestKeyError` (Werkzeug's): the 400 a view gets when it asks for a
 * form or query key the client did not send, through
 * {@link MultiDict.require} — the port of Flask's `request.form['username']`.
 *
 * @module
 */
import { BadRequest } from './client-errors.ts'
import type { HTTPExceptionOptions } from './http-exception.ts'

/**
 * A 400 naming the missing key. The page shows only Werkzeug's generic
 * description, so a client learns nothing about the app's fields; in debug
 * mode, or with `TRAP_BAD_REQUEST_ERRORS`, Flask sets `showException` and the
 * description ends with `KeyError: 'username'`.
 *
 * @example
 * ```ts
 * try { request.form.require('username') }
 * catch (e) { if (e instanceof BadRequestKeyError) console.log(e.key) } // 'username'
 * ```
 */
export class BadRequestKeyError extends BadRequest {
  /** The key that was missing. */
  readonly key: string
  private shown = false

  constructor(key: string, description?: string | null, options?: HTTPExceptionOptions) {
    super(description, options)
    this.key = key
  }

  /** When true the description (and so the page) names the key, as Werkzeug's `show_exception`. */
  get showException(): boolean {
    return this.shown
  }

  set showException(show: boolean) {
    if (show === this.shown) return
    this.shown = show
    const suffix = `\nKeyError: '${this.key}'`
    this.description = show ? this.description + suffix : this.description.slice(0, -suffix.length)
    this.message = this.description
  }
}
