/**
 * Loads BullMQ and ioredis, the optional peers of the Redis backend, with an
 * error that says what to install when they are missing.
 */
import type * as BullMQ from 'bullmq'
import type * as IORedis from 'ioredis'

/**
 * The two modules.
 *
 * @example
 * ```ts
 * const { bullmq, Redis } = await loadBullMQ()
 * ```
 */
export interface RedisModules {
  readonly bullmq: typeof BullMQ
  readonly Redis: typeof IORedis.Redis
}

let loaded: Promise<RedisModules> | null = null

/**
 * Imports `bullmq` and `ioredis` once.
 *
 * @example
 * ```ts
 * const { bullmq } = await loadBullMQ()
 * new bullmq.Queue('default', { connection })
 * ```
 */
export function loadBullMQ(): Promise<RedisModules> {
  loaded ??= Promise.all([import('bullmq'), import('ioredis')]).then(
    ([bullmq, ioredis]) => ({ bullmq, Redis: ioredis.Redis }),
    (err: unknown) => {
      loaded = null
      throw new Error(
        `phial/tasks: TASKS_BROKER_URL is set, which needs the 'bullmq' and 'ioredis' packages (npm install bullmq ioredis): ${(err as Error).message}`,
      )
    },
  )
  return loaded
}

/**
 * The error stored by BullMQ (its message and stack) back into name, message and stack.
 *
 * @example
 * ```ts
 * storedError('boom', ['TypeError: boom\n    at f (x.ts:1:1)']) // { name: 'TypeError', message: 'boom', stack: 'TypeError: boom…' }
 * ```
 */
export function storedError(failedReason: string | undefined, stacktrace: readonly string[] | null | undefined): { name: string; message: string; stack: string | null } {
  const stack = stacktrace && stacktrace.length > 0 ? stacktrace[stacktrace.length - 1]! : null
  const name = stack ? (/^([A-Za-z_$][\w$]*): /.exec(stack)?.[1] ?? 'Error') : 'Error'
  return { name, message: failedReason ?? 'unknown error', stack }
}
