/**
 * The response timeout (`RESPONSE_TIMEOUT`): a deadline armed only once a
 * hook or the view has returned a promise — a synchronous answer never
 * makes a timer — that turns a view which never settles into a 504 through
 * the error handlers, and aborts `ctx.signal` so the abandoned work can stop.
 *
 * @module
 */
import type { Context } from '../core/context.ts'
import { GatewayTimeout } from '../http/server-errors.ts'

/** The default under Node servers (`app.run`, `phial serve`, `toNodeHandler`), in seconds. */
export const NODE_RESPONSE_TIMEOUT = 30

const noop = (): void => {}

/**
 * A running deadline: {@link Deadline.race} rejects with the 504 once it has
 * passed; {@link Deadline.clear} stops the timer when the request is done.
 */
export class Deadline {
  readonly #expired: Promise<never>
  readonly #timer: NodeJS.Timeout

  constructor(ctx: Context, seconds: number) {
    let expire!: (error: GatewayTimeout) => void
    this.#expired = new Promise<never>((_resolve, reject) => { expire = reject })
    this.#expired.catch(noop) // nobody may be racing when it fires
    this.#timer = setTimeout(() => {
      const error = new GatewayTimeout(`The view did not answer within ${seconds} s (RESPONSE_TIMEOUT).`)
      expire(error)
      ctx.abort(error)
    }, seconds * 1000)
    // a pending deadline must not keep a stopping process alive
    this.#timer.unref()
  }

  /** `value`, or the 504 if the deadline passes first (the late value is dropped, its rejection handled). */
  race<T>(value: PromiseLike<T> | T): Promise<T> {
    return Promise.race([value, this.#expired])
  }

  /** Stops the timer. */
  clear(): void {
    clearTimeout(this.#timer)
  }
}

/**
 * A deadline for the request of `ctx`, or null when the timeout is off:
 * `RESPONSE_TIMEOUT` when set, else the adapter's default (`fallback`).
 */
export function startDeadline(ctx: Context, fallback: number): Deadline | null {
  const configured = ctx.app.config.RESPONSE_TIMEOUT
  const seconds = typeof configured === 'number' ? configured : fallback
  return seconds > 0 && Number.isFinite(seconds) ? new Deadline(ctx, seconds) : null
}
