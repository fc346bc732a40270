/**
 * The end of a context (Flask's `do_teardown_request` and
 * `do_teardown_appcontext`): teardown hooks with the unhandled error, the
 * request's temporary files, and the app-context signals.
 *
 * When it runs: the adapters call it after the response has been written
 * (Node: once the body is handed to the socket; fetch: once the host has
 * read a streamed body, or before returning otherwise; the test client:
 * once it has read the body), so a teardown hook may close what a streamed
 * body still reads. It is skipped entirely when there is nothing to do.
 *
 * @module
 */
import type { Context } from '../core/context.ts'
import { runInContext } from '../core/enter-context.ts'
import { appcontextPopped, appcontextPushed, appcontextTearingDown, requestTearingDown } from '../signals.ts'
import { isThenable } from './make-response.ts'

/** True when {@link doTeardown} has anything to do for this context. */
export function needsTeardown(ctx: Context): boolean {
  return (
    ctx.routeEntry?.teardown != null ||
    ctx.app.teardownAppcontextFuncs.length > 0 ||
    (ctx.hasRequest && ctx.request.hasCleanups) ||
    requestTearingDown.receiversCount > 0 ||
    appcontextTearingDown.receiversCount > 0 ||
    appcontextPopped.receiversCount > 0
  )
}

/**
 * Runs teardown hooks (request, then app context) with the unhandled error,
 * and removes temp files. Call it inside the context.
 *
 * As Flask 3.2's `_CollectErrors`: every hook and every receiver of the
 * teardown signals runs even when an earlier one throws, and the errors are
 * reported together — one log line, "Errors during context teardown", whose
 * `err` is an `AggregateError` holding each (a single error as itself).
 * They are logged, not raised: teardown runs after the response is out,
 * where nobody could catch them.
 */
export async function doTeardown(ctx: Context, error: unknown = ctx.error): Promise<void> {
  const app = ctx.app
  let errors: unknown[] | null = null
  if (ctx.hasRequest) {
    try {
      await ctx.request.cleanup()
    } catch (err) {
      ;(errors ??= []).push(err)
    }
    const hooks = ctx.routeEntry?.teardown
    if (hooks) {
      for (const fn of hooks) {
        try {
          const rv = fn(error, ctx)
          if (isThenable(rv)) await rv
        } catch (err) {
          ;(errors ??= []).push(err)
        }
      }
    }
    if (requestTearingDown.receiversCount > 0) {
      try {
        requestTearingDown.send(app, { exc: error })
      } catch (err) {
        ;(errors ??= []).push(...unwrap(err))
      }
    }
  }
  const appHooks = app.teardownAppcontextFuncs
  for (let i = appHooks.length - 1; i >= 0; i--) {
    try {
      const rv = appHooks[i]!(error, ctx)
      if (isThenable(rv)) await rv
    } catch (err) {
      ;(errors ??= []).push(err)
    }
  }
  for (const signal of [appcontextTearingDown, appcontextPopped] as const) {
    if (signal.receiversCount === 0) continue
    try {
      if (signal === appcontextTearingDown) appcontextTearingDown.send(app, { exc: error })
      else appcontextPopped.send(app, {})
    } catch (err) {
      ;(errors ??= []).push(...unwrap(err))
    }
  }
  if (errors !== null) {
    const err = errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} errors during context teardown`)
    app.logger.error({ err, requestId: ctx.hasRequest ? ctx.request.id : undefined }, 'Errors during context teardown')
  }
}

/** The errors a signal's send threw (several come as one AggregateError). */
function unwrap(err: unknown): unknown[] {
  return err instanceof AggregateError ? err.errors : [err]
}

/**
 * Runs `fn` in `ctx` (an app context, or a fake request's), then its teardown
 * (after the promise settles for an async `fn`). `app.appContext` and
 * `app.testRequestContext` use it.
 */
export function runInAppContext<T>(ctx: Context, fn: (ctx: Context) => T): T {
  const app = ctx.app
  if (appcontextPushed.receiversCount > 0) runInContext(ctx, () => appcontextPushed.send(app, {}))
  let result: T
  try {
    result = runInContext(ctx, fn, ctx)
  } catch (err) {
    void runInContext(ctx, () => doTeardown(ctx, err))
    throw err
  }
  if (result instanceof Promise) {
    return result.then(
      async (value) => {
        if (needsTeardown(ctx)) await runInContext(ctx, () => doTeardown(ctx, null))
        return value
      },
      async (err) => {
        if (needsTeardown(ctx)) await runInContext(ctx, () => doTeardown(ctx, err))
        throw err
      },
    ) as T
  }
  // nothing to tear down (no hooks, receivers or temp files): no promise either (phial/socketio runs one context per event)
  if (needsTeardown(ctx)) void runInContext(ctx, () => doTeardown(ctx, null))
  return result
}
