/**
 * The variables a template gets (Flask's `update_template_context`): `g`,
 * and `request` and `session` when there is a request; then what the
 * context processors return — the app's, then those of the request's
 * blueprints from the outermost in; then the caller's own variables, which
 * win over everything else.
 *
 * @module
 */
import { session as sessionProxy, type Context } from '../core/context.ts'

type Vars = Record<string, unknown>

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'

function merge(vars: Vars, results: readonly unknown[], extra: Vars | undefined): Vars {
  for (const result of results) if (result) Object.assign(vars, result)
  if (extra !== undefined) Object.assign(vars, extra)
  return vars
}

/**
 * The variables for rendering in `ctx` with the caller's `extra`; a promise
 * only when a context processor returned one.
 *
 * @example
 * ```ts
 * const vars = await templateContext(currentContext(), { title: 'Home' })
 * ```
 */
export function templateContext(ctx: Context, extra?: Vars): Vars | Promise<Vars> {
  const request = ctx.hasRequest ? ctx.request : undefined
  const vars: Vars = {
    g: ctx.g,
    request,
    session: request === undefined ? undefined : (ctx.openedSession ?? sessionProxy),
  }
  const processors = ctx.app.templateContextProcessors
  if (processors.size === 0) return extra === undefined ? vars : Object.assign(vars, extra)

  const results: unknown[] = []
  let async = false
  const run = (scope: string | null): void => {
    const fns = processors.get(scope)
    if (fns === undefined) return
    for (const fn of fns) {
      const result = fn()
      if (isThenable(result)) async = true
      results.push(result)
    }
  }
  run(null)
  if (request !== undefined) {
    const chain = request.blueprints
    for (let i = chain.length - 1; i >= 0; i--) run(chain[i]!)
  }
  return async ? Promise.all(results).then((resolved) => merge(vars, resolved, extra)) : merge(vars, results, extra)
}
