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
import { contextStorage, type Context } from '../core/context.ts'
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
 * logging — not raising — their own errors, and removes temp files. Call it
 * inside the context.
 */
export async function doTeardown(ctx: Context, error: unknown = ctx.error): Promise<void> {
  const app = ctx.app
  if (ctx.hasRequest) {
    await ctx.request.cleanup()
    const hooks = ctx.routeEntry?.teardown
    if (hooks) {
      for (const fn of hooks) {
        try {
          const rv = fn(error, ctx)
          if (isThenable(rv)) await rv
        } catch (err) {
          app.logger.error({ err }, 'A teardownRequest hook failed')
        }
      }
    }
    if (requestTearingDown.receiversCount > 0) requestTearingDown.send(app, { exc: error })
  }
  const appHooks = app.teardownAppcontextFuncs
  for (let i = appHooks.length - 1; i >= 0; i--) {
    try {
      const rv = appHooks[i]!(error, ctx)
      if (isThenable(rv)) await rv
    } catch (err) {
      app.logger.error({ err }, 'A teardownAppContext hook failed')
    }
  }
  if (appcontextTearingDown.receiversCount > 0) appcontextTearingDown.send(app, { exc: error })
  if (appcontextPopped.receiversCount > 0) appcontextPopped.send(app, {})
}

/**
 * Runs `fn` in `ctx` (an app context, or a fake request's), then its teardown
 * (after the promise settles for an async `fn`). `app.appContext` and
 * `app.testRequestContext` use it.
 */
export function runInAppContext<T>(ctx: Context, fn: (ctx: Context) => T): T {
  const app = ctx.app
  if (appcontextPushed.receiversCount > 0) contextStorage.run(ctx, () => appcontextPushed.send(app, {}))
  let result: T
  try {
    result = contextStorage.run(ctx, fn, ctx)
  } catch (err) {
    void contextStorage.run(ctx, () => doTeardown(ctx, err))
    throw err
  }
  if (result instanceof Promise) {
    return result.then(
      async (value) => {
        await contextStorage.run(ctx, () => doTeardown(ctx, null))
        return value
      },
      async (err) => {
        await contextStorage.run(ctx, () => doTeardown(ctx, err))
        throw err
      },
    ) as T
  }
  void contextStorage.run(ctx, () => doTeardown(ctx, null))
  return result
}
