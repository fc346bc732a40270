/**
 * Signals: blinker-style publish/subscribe hooks that let code observe what
 * the framework does (a request started, a template rendered, a message was
 * flashed) without changing it.
 *
 * A receiver connected without a sender hears every `send`; a receiver
 * connected with `{ sender }` only hears sends whose sender is that exact
 * object (`===`). Phial's own signals are sent with the application as sender.
 *
 * Differences from blinker: references are always strong (JavaScript has no
 * cheap weak references to functions), receivers run in the order they were
 * connected, and `connect` returns a disconnect function instead of the
 * receiver.
 *
 * @module
 */
import type { Response } from './http/response.ts'

/**
 * A function that receives a signal: the sender and the signal's payload.
 * Its return value is collected by {@link Signal.send}.
 *
 * @example
 * ```ts
 * const logStart: Receiver<Record<string, never>> = (sender) => console.log('request on', sender)
 * requestStarted.connect(logStart)
 * ```
 */
export type Receiver<P> = (sender: unknown, payload: P) => unknown

/**
 * Options of {@link Signal.connect}.
 *
 * @example
 * ```ts
 * const options: ConnectOptions = { sender: app }
 * templateRendered.connect(record, options)
 * ```
 */
export interface ConnectOptions {
  /**
   * Only receive sends from this sender (compared with `===`). Omitted or
   * `undefined`: receive sends from any sender.
   */
  sender?: unknown
}

/**
 * The payload argument of `send`: optional when the payload type has no
 * required keys (as for `requestStarted`).
 *
 * @example
 * ```ts
 * function fire<P>(signal: Signal<P>, ...args: PayloadArgs<P>) { signal.send(app, ...args) }
 * ```
 */
export type PayloadArgs<P> = {} extends P ? [payload?: P] : [payload: P]

/** Marks a connection that accepts every sender. */
const ANY: unique symbol = Symbol('phial.signals.ANY')

interface Connection<P> {
  readonly receiver: Receiver<P>
  readonly sender: unknown
}

const EMPTY_PAYLOAD: Readonly<Record<string, never>> = Object.freeze({})

/**
 * A named signal with a typed payload.
 *
 * @typeParam P - the payload object passed to every receiver.
 *
 * @example
 * ```ts
 * const userRegistered = new Signal<{ user: User }>('user-registered', 'Sent after sign-up.')
 * const disconnect = userRegistered.connect((sender, { user }) => sendWelcomeMail(user))
 * userRegistered.send(app, { user })
 * disconnect()
 * ```
 */
export class Signal<P = Record<string, never>> {
  /**
   * Current connections. Replaced (never mutated) on connect/disconnect, so a
   * send that is iterating keeps a stable snapshot even when a receiver
   * disconnects itself.
   */
  #connections: ReadonlyArray<Connection<P>> = []
  /** Number of connections that accept any sender. */
  #anyCount = 0
  /** Number of connections per specific sender. */
  #bySender = new Map<unknown, number>()

  /**
   * @param name - a name for debugging and documentation (default `'anonymous'`).
   * @param doc - an optional description of when the signal is sent.
   *
   * @example
   * ```ts
   * const paymentReceived = new Signal<{ amount: number }>('payment-received')
   * ```
   */
  constructor(
    readonly name: string = 'anonymous',
    readonly doc?: string,
  ) {}

  /**
   * Connects a receiver. Connecting the same receiver again for the same
   * sender is a no-op; a receiver connected both for any sender and for a
   * specific one is still called once per send.
   *
   * @returns a function that removes exactly this connection.
   *
   * @example
   * ```ts
   * const stop = requestFinished.connect((app, { response }) => {
   *   metrics.count(response.status)
   * }, { sender: app })
   * // later
   * stop()
   * ```
   */
  connect(receiver: Receiver<P>, options?: ConnectOptions): () => void {
    if (typeof receiver !== 'function') throw new TypeError(`Signal ${this.name}: a receiver must be a function`)
    const sender = options?.sender === undefined ? ANY : options.sender
    if (!this.#has(receiver, sender)) {
      this.#connections = [...this.#connections, { receiver, sender }]
      if (sender === ANY) this.#anyCount++
      else this.#bySender.set(sender, (this.#bySender.get(sender) ?? 0) + 1)
    }
    return () => this.#remove(receiver, sender)
  }

  /**
   * Connects `receiver` while `fn` runs and disconnects it afterwards, also
   * when `fn` throws. When `fn` returns a promise, the receiver stays connected
   * until the promise settles. A connection that existed before the call is
   * left in place.
   *
   * @returns what `fn` returns.
   *
   * @example
   * ```ts
   * const rendered: string[] = []
   * await templateRendered.connectedTo((app, { template }) => rendered.push(template), { sender: app }, async () => {
   *   await client.get('/')
   * })
   * expect(rendered).toEqual(['index.html'])
   * ```
   */
  connectedTo<T>(receiver: Receiver<P>, fn: () => T): T
  connectedTo<T>(receiver: Receiver<P>, options: ConnectOptions | undefined, fn: () => T): T
  connectedTo<T>(
    receiver: Receiver<P>,
    optionsOrFn: ConnectOptions | undefined | (() => T),
    maybeFn?: () => T,
  ): T {
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn
    const options = typeof optionsOrFn === 'function' ? undefined : optionsOrFn
    if (typeof fn !== 'function') throw new TypeError(`Signal ${this.name}: connectedTo needs a function to run`)
    const sender = options?.sender === undefined ? ANY : options.sender
    const existed = this.#has(receiver, sender)
    const disconnect = existed ? () => {} : this.connect(receiver, options)
    let result: T
    try {
      result = fn()
    } catch (err) {
      disconnect()
      throw err
    }
    if (isThenable(result)) {
      return result.then(
        (value) => {
          disconnect()
          return value
        },
        (err: unknown) => {
          disconnect()
          throw err
        },
      ) as T
    }
    disconnect()
    return result
  }

  /**
   * Disconnects a receiver: from every sender, or with `{ sender }` only the
   * connection for that sender. Unknown receivers are ignored.
   *
   * @example
   * ```ts
   * requestStarted.connect(onStart)
   * requestStarted.disconnect(onStart)
   * ```
   */
  disconnect(receiver: Receiver<P>, options?: ConnectOptions): void {
    if (options?.sender !== undefined) {
      this.#remove(receiver, options.sender)
      return
    }
    for (const c of this.#connections) if (c.receiver === receiver) this.#remove(receiver, c.sender)
  }

  /**
   * Number of connections (a receiver connected for two senders counts twice).
   *
   * @example
   * ```ts
   * if (messageFlashed.receiversCount === 0) console.log('nobody listens')
   * ```
   */
  get receiversCount(): number {
    return this.#connections.length
  }

  /**
   * Whether a send from `sender` would reach any receiver. O(1); the framework
   * calls it on the hot path to skip building payloads nobody hears.
   *
   * @example
   * ```ts
   * if (requestStarted.hasReceiversFor(app)) requestStarted.send(app)
   * ```
   */
  hasReceiversFor(sender: unknown): boolean {
    return this.#anyCount > 0 || (this.#bySender.size > 0 && this.#bySender.has(sender))
  }

  /**
   * Calls every receiver for `sender` synchronously, in connection order, and
   * returns `[receiver, returnValue]` pairs. Every receiver is called even
   * when one throws; then the error is thrown (several as one
   * `AggregateError`), so one failing receiver cannot silence the others.
   *
   * A receiver that returns a promise is not awaited: its promise is in the
   * result. Use {@link Signal.sendAsync} when receivers may be async.
   *
   * @example
   * ```ts
   * const results = messageFlashed.send(app, { message: 'Saved', category: 'info' })
   * ```
   */
  send(sender: unknown, ...args: PayloadArgs<P>): Array<[Receiver<P>, unknown]> {
    const payload = (args.length > 0 && args[0] !== undefined ? args[0] : EMPTY_PAYLOAD) as P
    const results: Array<[Receiver<P>, unknown]> = []
    if (!this.hasReceiversFor(sender)) return results
    let errors: unknown[] | null = null
    for (const c of this.#connections) {
      if (c.sender !== ANY && c.sender !== sender) continue
      if (c.sender !== ANY && this.#has(c.receiver, ANY)) continue // already called via ANY
      try {
        results.push([c.receiver, c.receiver(sender, payload)])
      } catch (err) {
        ;(errors ??= []).push(err)
      }
    }
    if (errors !== null) throw errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} receivers of the '${this.name}' signal failed`)
    return results
  }

  /**
   * Like {@link Signal.send}, but awaits each receiver's result before calling
   * the next one; every receiver runs, then a rejection (several as one
   * `AggregateError`) propagates.
   *
   * @example
   * ```ts
   * await requestFinished.sendAsync(app, { response })
   * ```
   */
  async sendAsync(sender: unknown, ...args: PayloadArgs<P>): Promise<Array<[Receiver<P>, unknown]>> {
    const payload = (args.length > 0 && args[0] !== undefined ? args[0] : EMPTY_PAYLOAD) as P
    const results: Array<[Receiver<P>, unknown]> = []
    if (!this.hasReceiversFor(sender)) return results
    let errors: unknown[] | null = null
    for (const c of this.#connections) {
      if (c.sender !== ANY && c.sender !== sender) continue
      if (c.sender !== ANY && this.#has(c.receiver, ANY)) continue
      try {
        results.push([c.receiver, await c.receiver(sender, payload)])
      } catch (err) {
        ;(errors ??= []).push(err)
      }
    }
    if (errors !== null) throw errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} receivers of the '${this.name}' signal failed`)
    return results
  }

  /**
   * A readable description for logs and the REPL.
   *
   * @example
   * ```ts
   * String(requestStarted) // 'Signal(request-started)'
   * ```
   */
  toString(): string {
    return `Signal(${this.name})`
  }

  #has(receiver: Receiver<P>, sender: unknown): boolean {
    for (const c of this.#connections) if (c.receiver === receiver && c.sender === sender) return true
    return false
  }

  #remove(receiver: Receiver<P>, sender: unknown): void {
    const index = this.#connections.findIndex((c) => c.receiver === receiver && c.sender === sender)
    if (index === -1) return
    const next = this.#connections.slice()
    next.splice(index, 1)
    this.#connections = next
    if (sender === ANY) this.#anyCount--
    else {
      const n = (this.#bySender.get(sender) ?? 1) - 1
      if (n <= 0) this.#bySender.delete(sender)
      else this.#bySender.set(sender, n)
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

// Flask's built-in signals. Each is connected to the same way:
//   requestFinished.connect((app, { response }) => log(response.status), { sender: app })
// and each says below what its sender and payload are.

/**
 * Sent when a request's context is set up, before any `beforeRequest` hook.
 * Sender: the app. Payload: none.
 */
export const requestStarted = new Signal('request-started', 'Sent when the request context is set up, before any request processing happens.')

/**
 * Sent with the final response, after `afterRequest` hooks, before it is sent.
 */
export const requestFinished = new Signal<{ response: Response }>(
  'request-finished',
  'Sent right before the response is sent to the client, with the response.',
)

/**
 * Sent when an unhandled error escapes a view or hook, before error handlers
 * run (also for errors a handler then turns into a response).
 */
export const gotRequestException = new Signal<{ exception: unknown }>(
  'got-request-exception',
  'Sent when an exception happens during request processing, before it is handled.',
)

/**
 * Sent when the request is torn down, even after an error; `exc` is the error
 * that ended the request, or `undefined`.
 */
export const requestTearingDown = new Signal<{ exc: unknown }>(
  'request-tearing-down',
  'Sent when the request is tearing down, always, with the error if one happened.',
)

/**
 * Sent when an application context is pushed (for each request, and by
 * `app.appContext`).
 */
export const appcontextPushed = new Signal('appcontext-pushed', 'Sent when an application context is pushed.')

/**
 * Sent when an application context is popped, after `appcontextTearingDown`.
 */
export const appcontextPopped = new Signal('appcontext-popped', 'Sent when an application context is popped.')

/**
 * Sent when the application context is torn down, even after an error; `exc`
 * is that error or `undefined`.
 */
export const appcontextTearingDown = new Signal<{ exc: unknown }>(
  'appcontext-tearing-down',
  'Sent when the application context is tearing down, with the error if one happened.',
)

/**
 * Sent before a template is rendered, with the template name and the context
 * it will get (receivers may add to the context).
 */
export const beforeRenderTemplate = new Signal<{ template: string; context: Record<string, unknown> }>(
  'before-render-template',
  'Sent before a template is rendered.',
)

/**
 * Sent after a template rendered successfully; handy in tests to check which
 * template a view used and with which variables.
 */
export const templateRendered = new Signal<{ template: string; context: Record<string, unknown> }>(
  'template-rendered',
  'Sent when a template was successfully rendered.',
)

/**
 * Sent when `flash` stores a message in the session.
 */
export const messageFlashed = new Signal<{ message: string; category: string }>(
  'message-flashed',
  'Sent when the application flashes a message.',
)
