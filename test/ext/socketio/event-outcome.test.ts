/**
 * What an event's outcome and context are, as the dispatcher builds them
 * without a wrapper or a second object per event (issue 17's performance
 * work): `socketEvent()` names the event and namespace; a connect handler's
 * error answered by the error handler still refuses; an error handler's
 * value (sync or async, undefined included) is the ack of other events; a
 * handler's false is an ack, not a refusal; each event has its own request
 * object and `g`; two namespaces of one connection share its session.
 */
import { describe, expect, it } from 'vitest'
import { Phial, currentContext, g, session } from 'phial'
import { SocketIO, socketEvent } from 'phial/socketio'
import { Manager } from 'socket.io-client'
import { connect, serveForTests } from './helpers.ts'

const app = new Phial(import.meta.url, { name: 'socketio-outcome' })
app.config.fromMapping({ SECRET_KEY: 'socketio-outcome', LOG_LEVEL: 'silent', TESTING: true })
const socketio = new SocketIO(app)
socketio.on('where', () => {
  const event = socketEvent()!
  return [event.event, event.namespace, event.socket.id]
})
socketio.on('where', () => [socketEvent()!.event, socketEvent()!.namespace], { namespace: '/side' })
socketio.on('who', () => session.get('who') ?? null, { namespace: '/side' })
socketio.on('nothing', () => undefined)
socketio.on('no', () => false)
const requests: unknown[] = []
socketio.on('probe', () => {
  requests.push(currentContext().request)
  const fresh = g.get('x') === undefined
  g.x = 1
  return fresh
})
socketio.on('remember', (who: string) => {
  session.set('who', who)
  return 'ok'
})
socketio.on('fail quietly', () => {
  throw new Error('quiet')
}, { namespace: '/side' })
socketio.on('fail later', () => {
  throw new Error('later')
}, { namespace: '/later' })
socketio.on('connect', (auth: { boom?: boolean } | undefined) => {
  if (auth?.boom) throw new Error('connect failed')
  return true
}, { namespace: '/picky' })
socketio.onError(() => undefined, { namespace: '/side' })
socketio.onError(async (err) => `handled ${(err as Error).message}`, { namespace: '/later' })
// truthy, yet the connection is refused: a connect whose handler failed is not accepted
socketio.onError(() => 'handled', { namespace: '/picky' })

let base = ''
serveForTests(app, socketio, (url) => (base = url))

describe("an event's context and outcome", () => {
  it('socketEvent() names the event, the namespace and the socket', async () => {
    const { socket } = await connect(base)
    expect(await socket.emitWithAck('where')).toEqual(['where', '/', socket.id])
    const side = await connect(base, '/side')
    expect(await side.socket.emitWithAck('where')).toEqual(['where', '/side'])
  })

  it("acks a handler's undefined with no value and its false as false", async () => {
    const { socket } = await connect(base)
    const args = await new Promise<unknown[]>((resolve) => socket.emit('nothing', (...values: unknown[]) => resolve(values)))
    expect(args).toEqual([])
    expect(await socket.emitWithAck('no')).toBe(false)
  })

  it("an error handler's value is the ack, undefined and async included", async () => {
    const side = await connect(base, '/side')
    const args = await new Promise<unknown[]>((resolve) => side.socket.emit('fail quietly', (...values: unknown[]) => resolve(values)))
    expect(args).toEqual([])
    const later = await connect(base, '/later')
    expect(await later.socket.emitWithAck('fail later')).toBe('handled later')
  })

  it("a connect handler's error refuses the connection even when the error handler answers", async () => {
    const refused = await connect(base, '/picky', { auth: { boom: true } })
    expect(refused.error?.message).toBe('Connection refused by the server')
    const accepted = await connect(base, '/picky', { auth: {} })
    expect(accepted.error).toBeNull()
  })

  it('each event has its own request object and g, as Flask-SocketIO gives each its own request context', async () => {
    const { socket } = await connect(base)
    requests.length = 0
    expect(await socket.emitWithAck('probe')).toBe(true)
    expect(await socket.emitWithAck('probe')).toBe(true)
    expect(requests).toHaveLength(2)
    expect(requests[0]).not.toBe(requests[1])
  })

  it('two namespaces of one connection share its session (the state is per connection, not per socket)', async () => {
    const manager = new Manager(base, { transports: ['websocket'], reconnection: false })
    const main = manager.socket('/')
    const side = manager.socket('/side')
    try {
      await Promise.all([main, side].map((s) => new Promise<void>((resolve) => s.once('connect', () => resolve()))))
      expect(await side.emitWithAck('who')).toBeNull()
      expect(await main.emitWithAck('remember', 'ada')).toBe('ok')
      expect(await side.emitWithAck('who')).toBe('ada')
      const other = await connect(base, '/side')
      expect(await other.socket.emitWithAck('who')).toBeNull()
    } finally {
      main.disconnect()
      side.disconnect()
    }
  })
})
