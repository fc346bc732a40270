/**
 * `Aborter`: what `abort(code)` raises for each status code (Werkzeug's
 * `Aborter`), per app as `app.aborter`, so an app can add codes of its own.
 *
 * @module
 */
import { abort as abortWith } from '../http/abort.ts'
import { exceptionForCode, type HTTPException, type HTTPExceptionClass } from '../http/exceptions.ts'
import type { Response } from '../http/response.ts'

/** Calling an aborter: `app.aborter(404)`, `app.aborter(900, 'why')`, `app.aborter(response)`. */
export interface Aborter {
  (codeOrResponse: number | Response, description?: string): never
}

/**
 * Raises the HTTP exception for a status code (Werkzeug's `Aborter`). An
 * instance is callable: `aborter(404)`. `mapping` holds the exception class
 * of each code (the standard ones to start with); add a class of your own
 * to give a code `abort()` does not know, or to replace one. A code that is
 * not in `mapping` falls back to `abort`'s rule (a plain `HTTPException` for
 * any other 4xx/5xx status, an error otherwise). Subclass it and set
 * `app.aborterClass` (static) to change how every app aborts.
 *
 * @example
 * ```ts
 * class InsufficientStorage extends HTTPException { static override code = 507; static override description = 'Full.' }
 * app.aborter.mapping.set(507, InsufficientStorage)
 * abort(507)   // throws InsufficientStorage (inside the app's context)
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Aborter {
  /** Exception class by status code. */
  mapping!: Map<number, HTTPExceptionClass>

  /** @param extra classes to add to (or replace in) the standard mapping */
  constructor(extra?: Iterable<[number, HTTPExceptionClass]>) {
    const self = function aborter(codeOrResponse: number | Response, description?: string): never {
      return self.abort(codeOrResponse, description)
    } as unknown as Aborter
    Object.setPrototypeOf(self, new.target.prototype)
    const mapping = new Map<number, HTTPExceptionClass>()
    for (let code = 400; code < 600; code++) {
      const cls = exceptionForCode(code)
      if (cls !== undefined) mapping.set(code, cls)
    }
    for (const [code, cls] of extra ?? []) mapping.set(code, cls)
    self.mapping = mapping
    return self
  }

  /**
   * Raises the exception of `code` (with `description`), or stops with
   * `response` as `abort(response)` does. What calling the aborter does.
   *
   * @example
   * ```ts
   * app.aborter.abort(404, 'No such post.')
   * ```
   */
  abort(codeOrResponse: number | Response, description?: string): never {
    if (typeof codeOrResponse === 'number') {
      const cls = this.mapping.get(codeOrResponse)
      // a standard class is raised by abort() itself (MethodNotAllowed takes its methods first)
      if (cls !== undefined && cls !== exceptionForCode(codeOrResponse)) {
        const make = cls as unknown as new (description?: string | null) => HTTPException
        const error = new make(description)
        if (cls.code === null || cls.code === undefined) error.code = codeOrResponse
        throw error
      }
    }
    return abortWith(codeOrResponse, description)
  }
}
