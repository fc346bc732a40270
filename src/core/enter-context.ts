/**
 * Entering and leaving the {@link contextStorage} — what every request, app
 * context, Socket.IO event and task does once — at the cost of one
 * AsyncContextFrame instead of two.
 *
 * On Node 24 AsyncLocalStorage keeps its stores in an AsyncContextFrame (a
 * Map copied on every change), and `als.run(store, fn)` copies it twice: once
 * to enter, and once more to restore the prior store (`enterWith(prior)`),
 * 254–377 ns per call against 20–31 ns on Node 20's async-hooks implementation.
 * An AsyncResource captures the caller's frame by reference and restores it
 * by reference when its scope ends, so entering inside its scope copies the
 * frame once: 114–262 ns (bench/hot/context-entry.ts). Both ways are the same to
 * code inside and outside (the store inside, the prior store after, promises
 * and timers made inside keep the store); only the cost differs, so the check
 * of which implementation Node uses picks a speed, never a behaviour.
 *
 * @module
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks'
import { contextStorage, type Context } from './context.ts'

/**
 * Whether AsyncLocalStorage is the async-hooks one (Node 20 and 22, or 24 with
 * `--no-async-context-frame`), whose `run` is already cheap; it alone has
 * `_propagate`, the init hook that copies a store to new resources.
 */
const usesAsyncHooks = typeof (AsyncLocalStorage.prototype as { _propagate?: unknown })._propagate === 'function'

/**
 * Whether entering a context makes an AsyncResource (named `PhialContext`):
 * with Node 24's AsyncContextFrame, yes, one per entry; with the async-hooks
 * AsyncLocalStorage, no. For the hot-path guard that counts async resources.
 * @internal
 */
export const ENTRY_MAKES_RESOURCE = !usesAsyncHooks

type Fn<A extends unknown[], R> = (...args: A) => R

function enterAndCall<A extends unknown[], R>(store: Context | undefined, fn: Fn<A, R>, args: A): R {
  contextStorage.enterWith(store as Context)
  return fn(...args)
}

function runInFrame<A extends unknown[], R>(store: Context | undefined, fn: Fn<A, R>, args: A): R {
  if (contextStorage.getStore() === store) return fn(...args)
  // the resource's scope restores the caller's frame as it was: no second copy
  return new AsyncResource('PhialContext').runInAsyncScope(enterAndCall<A, R>, null, store, fn, args)
}

/**
 * Calls `fn(...args)` with `ctx` as the active context (what
 * `contextStorage.run(ctx, fn, ...args)` does, cheaper on Node 24).
 *
 * @example
 * ```ts
 * runInContext(new Context(app, null), () => currentApp.name)
 * ```
 */
export function runInContext<A extends unknown[], R>(ctx: Context, fn: Fn<A, R>, ...args: A): R {
  return usesAsyncHooks ? contextStorage.run(ctx, fn, ...args) : runInFrame(ctx, fn, args)
}

/**
 * Calls `fn(...args)` with no active context (`contextStorage.exit`), so that
 * what it starts does not keep the context alive.
 *
 * @example
 * ```ts
 * runOutsideContext(writeNodeResponse, res, response, head, close)
 * ```
 */
export function runOutsideContext<A extends unknown[], R>(fn: Fn<A, R>, ...args: A): R {
  return usesAsyncHooks ? contextStorage.exit(fn, ...args) : runInFrame(undefined, fn, args)
}
