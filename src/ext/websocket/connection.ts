/**
 * `WebSocketConnection`: Flask-Sock's `ws` object over a `ws` socket —
 * `send`, `receive` (with a timeout), `close`, `for await` over messages,
 * and `ConnectionClosed` once the peer is gone.
 */
import type { WebSocket } from 'ws'

/** A message: text as a string, binary as bytes. */
export type Message = string | Uint8Array

/**
 * Thrown by `receive()` and `send()` once the connection is closed
 * (simple-websocket's `ConnectionClosed`); a handler may let it escape.
 *
 * @example
 * ```ts
 * try { await ws.receive() } catch (err) { if (err instanceof ConnectionClosed) console.log(err.code) }
 * ```
 */
export class ConnectionClosed extends Error {
  override name = 'ConnectionClosed'
  constructor(
    /** The close code (1000 normal, 1001 going away, 1006 cut off, 1009 too big…). */
    readonly code: number,
    readonly reason: string,
  ) {
    super(`The WebSocket connection is closed (${code}${reason ? `: ${reason}` : ''})`)
  }
}

/**
 * One WebSocket connection. Messages that arrive before `receive()` is
 * called wait in order.
 *
 * @example
 * ```ts
 * sock.route('/echo', async function echo(ws) {
 *   for await (const message of ws) ws.send(message)
 * })
 * ```
 */
export class WebSocketConnection {
  /** The `ws` socket, for what this API does not cover. */
  readonly raw: WebSocket
  /** Resolves with the close code and reason once the connection is closed. */
  readonly closed: Promise<ConnectionClosed>
  #queue: Message[] = []
  #waiting: Array<{ resolve(m: Message): void; reject(e: Error): void }> = []
  #closedWith: ConnectionClosed | null = null

  constructor(raw: WebSocket) {
    this.raw = raw
    raw.on('message', (data: Buffer, isBinary: boolean) => {
      const message: Message = isBinary ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data.toString('utf8')
      const waiter = this.#waiting.shift()
      if (waiter) waiter.resolve(message)
      else this.#queue.push(message)
    })
    raw.on('error', () => {}) // 'close' follows with the code (1009 for an oversize message)
    this.closed = new Promise((resolve) => {
      raw.once('close', (code: number, reason: Buffer) => {
        this.#closedWith = new ConnectionClosed(code, reason.toString())
        for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#closedWith)
        resolve(this.#closedWith)
      })
    })
  }

  /** True once the connection is closed (or closing). @example if (!ws.isOpen) return */
  get isOpen(): boolean {
    return this.#closedWith === null && this.raw.readyState === this.raw.OPEN
  }

  /**
   * The next message; throws {@link ConnectionClosed} when the connection
   * closes first, or resolves to null after `timeout` ms (Flask-Sock's
   * `receive(timeout)`).
   *
   * @example
   * ```ts
   * const message = await ws.receive({ timeout: 5000 })
   * if (message === null) ws.send('still there?')
   * ```
   */
  receive(options: { timeout?: number } = {}): Promise<Message | null> {
    const queued = this.#queue.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    if (this.#closedWith) return Promise.reject(this.#closedWith)
    return new Promise<Message | null>((resolve, reject) => {
      const waiter = { resolve, reject }
      this.#waiting.push(waiter)
      if (options.timeout !== undefined) {
        setTimeout(() => {
          const i = this.#waiting.indexOf(waiter)
          if (i >= 0) {
            this.#waiting.splice(i, 1)
            resolve(null)
          }
        }, options.timeout)
      }
    })
  }

  /**
   * Sends a message: a string as text, bytes as binary, anything else as JSON text.
   * Throws {@link ConnectionClosed} on a closed connection.
   *
   * @example
   * ```ts
   * ws.send({ type: 'joined', room })
   * ```
   */
  send(message: Message | object | number | boolean | null): void {
    if (!this.isOpen) throw this.#closedWith ?? new ConnectionClosed(1006, 'not open')
    this.raw.send(typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message))
  }

  /**
   * Closes the connection with a code (default 1000) and a reason; resolves once it is closed.
   *
   * @example
   * ```ts
   * await ws.close(4000, 'kicked')
   * ```
   */
  close(code = 1000, reason = ''): Promise<ConnectionClosed> {
    if (this.raw.readyState === this.raw.CONNECTING || this.raw.readyState === this.raw.OPEN) this.raw.close(code, reason)
    return this.closed
  }

  /** Messages until the connection closes. */
  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (;;) {
      try {
        const message = await this.receive()
        if (message !== null) yield message
      } catch (err) {
        if (err instanceof ConnectionClosed) return
        throw err
      }
    }
  }
}
