/**
 * Error handler lookup in Flask's order: by status code, then by code-less
 * handlers; within each, blueprint scopes innermost first, then the app; and
 * within a scope, along the error's class chain.
 */
import type { Phial } from '../app.ts'
import { HTTPException } from '../http/exceptions.ts'
import type { Scope } from '../core/scaffold.ts'
import type { ErrorClass, ErrorHandler } from '../core/types.ts'

function classChain(err: unknown): ErrorClass[] {
  const chain: ErrorClass[] = []
  if (err === null || (typeof err !== 'object' && typeof err !== 'function')) return chain
  let proto = Object.getPrototypeOf(err) as { constructor?: ErrorClass } | null
  while (proto !== null && proto !== Object.prototype) {
    if (Object.hasOwn(proto, 'constructor') && proto.constructor) chain.push(proto.constructor)
    proto = Object.getPrototypeOf(proto)
  }
  return chain
}

/**
 * The handler for `err` in the given scopes, or null.
 *
 * @example
 * ```ts
 * findErrorHandler(app, new NotFound(), ['admin', null])
 * ```
 */
export function findErrorHandler(app: Phial, err: unknown, scopes: readonly Scope[]): ErrorHandler<never> | null {
  const spec = app.errorHandlerSpec
  if (spec.size === 0) return null
  const code = err instanceof HTTPException ? err.code : null
  const codes = code === null ? [null] : [code, null]
  let chain: ErrorClass[] | null = null
  for (const c of codes) {
    for (const scope of scopes) {
      const byClass = spec.get(scope)?.get(c)
      if (!byClass) continue
      chain ??= classChain(err)
      for (const cls of chain) {
        const handler = byClass.get(cls)
        if (handler) return handler
      }
    }
  }
  return null
}
