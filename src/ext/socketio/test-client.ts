/**
 * The Socket.IO test client (Flask-SocketIO's `socketio.test_client`): a
 * real socket.io-client over loopback to a server of the app started for
 * the tests, carrying the cookies of a Phial test client so that the
 * connection shares its session.
 */
import { acquireTestServer, type Phial, type TestClient } from 'phial'
import type { Socket as ClientSocket } from 'socket.io-client'

/**
 * Options of `socketio.testClient`.
 *
 * @example
 * ```ts
 * const sio = await socketio.testClient(app, { namespace: '/chat', client: app.testClient(), auth: { token } })
 * ```
 */
export interface SocketIOTestClientOptions {
  /** Default `'/'`. */
  namespace?: string
  /** The `auth` payload the `connect` handler receives. */
  auth?: Record<string, unknown>
  /** More handshake headers. */
  headers?: Record<string, string>
  /** Query values of the handshake URL. */
  query?: Record<string, string>
  /** A Phial test client whose session (and remember-me) cookies the connection sends. */
  client?: TestClient
}

/** An event the test client received. */
export interface ReceivedEvent {
  name: string
  args: unknown[]
  namespace: string
}

/**
 * A connected (or refused) Socket.IO client for tests.
 *
 * @example
 * ```ts
 * const sio = await socketio.testClient(app)
 * expect(await sio.emitWithAck('add', 2, 3)).toBe(5)
 * await sio.disconnect()
 * ```
 */
export class SocketIOTestClient {
  /** Events received and not yet taken by {@link getReceived}. */
  readonly received: ReceivedEvent[] = []
  /** Why the connection was refused (the `connect_error`), or null. */
  connectError: (Error & { data?: unknown }) | null = null
  readonly #socket: ClientSocket
  readonly #release: () => Promise<void>
  #released = false
  readonly #waiters: Array<() => void> = []

  /** @internal */
  constructor(socket: ClientSocket, namespace: string, release: () => Promise<void>) {
    this.#socket = socket
    this.#release = release
    socket.onAny((name: string, ...args: unknown[]) => {
      this.received.push({ name, args, namespace })
      for (const wake of this.#waiters.splice(0)) wake()
    })
  }

  /** The underlying socket.io-client socket. @example sio.socket.io.engine.transport.name // 'websocket' */
  get socket(): ClientSocket {
    return this.#socket
  }

  /** The session id the server knows this client by. @example sio.sid */
  get sid(): string | undefined {
    return this.#socket.id
  }

  /** True while connected. @example expect(sio.isConnected()).toBe(false) // refused */
  isConnected(): boolean {
    return this.#socket.connected
  }

  /**
   * Emits an event without waiting for an answer.
   *
   * @example
   * ```ts
   * sio.emit('chat', 'hello')
   * ```
   */
  emit(event: string, ...args: unknown[]): void {
    this.#socket.emit(event, ...args)
  }

  /**
   * Emits an event and resolves to the handler's acknowledgement (its return value).
   *
   * @example
   * ```ts
   * expect(await sio.emitWithAck('add', 1, 2)).toBe(3)
   * ```
   */
  emitWithAck(event: string, ...args: unknown[]): Promise<any> {
    return this.#socket.timeout(5000).emitWithAck(event, ...args)
  }

  /**
   * Takes the events received so far (Flask-SocketIO's `get_received`).
   *
   * @example
   * ```ts
   * const [first] = sio.getReceived()
   * ```
   */
  getReceived(): ReceivedEvent[] {
    return this.received.splice(0)
  }

  /**
   * Waits for an event (taking it from {@link received}) and resolves to its arguments.
   *
   * @example
   * ```ts
   * const [text] = await sio.waitFor('echo')
   * ```
   */
  async waitFor(event: string, timeout = 5000): Promise<unknown[]> {
    const end = Date.now() + timeout
    for (;;) {
      const i = this.received.findIndex((e) => e.name === event)
      if (i >= 0) return this.received.splice(i, 1)[0]!.args
      const left = end - Date.now()
      if (left <= 0) throw new Error(`SocketIOTestClient: no '${event}' event within ${timeout} ms (received: ${this.received.map((e) => e.name).join(', ') || 'nothing'})`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /**
   * Disconnects, and stops the test server when no other client uses it.
   *
   * @example
   * ```ts
   * await sio.disconnect()
   * ```
   */
  async disconnect(): Promise<void> {
    this.#socket.disconnect()
    if (this.#released) return
    this.#released = true
    await this.#release()
  }
}

/**
 * Connects a test client to `app` (see {@link SocketIOTestClient}).
 *
 * @example
 * ```ts
 * const sio = await connectTestClient(app, '/socket.io', { namespace: '/chat' })
 * ```
 */
export async function connectTestClient(app: Phial, path: string, options: SocketIOTestClientOptions = {}): Promise<SocketIOTestClient> {
  let ioClient: typeof import('socket.io-client').io
  try {
    ;({ io: ioClient } = await import('socket.io-client'))
  } catch (err) {
    throw new Error(`socketio.testClient needs the 'socket.io-client' package (npm install -D socket.io-client): ${(err as Error).message}`)
  }
  const running = await acquireTestServer(app)
  const headers: Record<string, string> = { ...options.headers }
  const cookies = [app.config.SESSION_COOKIE_NAME, (app.config as unknown as Record<string, unknown>).REMEMBER_COOKIE_NAME]
    .filter((name): name is string => typeof name === 'string')
    .flatMap((name) => {
      const value = options.client?.getCookie(name)
      return value === undefined ? [] : [`${name}=${value}`]
    })
  if (cookies.length > 0) headers.cookie = [headers.cookie, ...cookies].filter(Boolean).join('; ')
  const socket = ioClient(`${running.url}${options.namespace ?? '/'}`, {
    path,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.auth ?? {},
    query: options.query ?? {},
    extraHeaders: headers,
  })
  const client = new SocketIOTestClient(socket, options.namespace ?? '/', () => running.release())
  await new Promise<void>((resolve) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      client.connectError = err
      resolve()
    })
  })
  return client
}
