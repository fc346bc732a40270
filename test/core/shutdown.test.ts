/**
 * `app.onShutdown` / `app.doShutdown` (a Phial departure: Flask has no
 * shutdown hook): every hook runs, each awaited, errors logged together and
 * never raised; `app.run`'s `close()` runs them while the server still
 * listens, once per close. The `phial serve` drain is tested with real
 * WebSockets in test/ext/websocket/serve-shutdown.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { makeApp, recordLogs } from './helpers.ts'

describe('onShutdown', () => {
  it('returns the function, and refuses what is not one', () => {
    const app = makeApp()
    const fn = (): void => {}
    expect(app.onShutdown(fn)).toBe(fn)
    expect(app.shutdownFuncs).toEqual([fn])
    expect(() => app.onShutdown('nope' as never)).toThrow(TypeError)
  })

  it('may be registered after the first request (it is not a per-request hook)', async () => {
    const app = makeApp()
    app.get('/', function index() { return 'ok' })
    await app.testClient().get('/')
    const seen: string[] = []
    app.onShutdown(() => void seen.push('late'))
    await app.doShutdown()
    expect(seen).toEqual(['late'])
  })
})

describe('doShutdown', () => {
  it('runs every hook with the app, and waits for the promises', async () => {
    const app = makeApp()
    const seen: unknown[] = []
    app.onShutdown(async (a) => {
      await new Promise((r) => setTimeout(r, 30))
      seen.push(['slow', a === app])
    })
    app.onShutdown((a) => void seen.push(['quick', a === app]))
    await app.doShutdown()
    expect(seen).toEqual([['quick', true], ['slow', true]])
  })

  it('a hook that throws does not stop the others; the errors are logged together, not raised', async () => {
    const app = makeApp()
    const lines = recordLogs(app)
    const seen: string[] = []
    app.onShutdown(() => { throw new Error('first') })
    app.onShutdown(async () => { throw new Error('second') })
    app.onShutdown(() => void seen.push('ran'))
    await expect(app.doShutdown()).resolves.toBeUndefined()
    expect(seen).toEqual(['ran'])
    const line = lines.find((l) => l.msg === 'Errors during shutdown')
    expect(line?.err?.message).toBe('2 errors during shutdown')
  })

  it('with no hooks it does nothing', async () => {
    await expect(makeApp().doShutdown()).resolves.toBeUndefined()
  })
})

describe("app.run's close()", () => {
  it('runs the hooks while the server still listens, then closes it; once per close', async () => {
    const app = makeApp()
    app.get('/', function index() { return 'ok' })
    const listening: boolean[] = []
    let server = await app.run({ port: 0, announce: false })
    app.onShutdown(() => void listening.push(server.server.listening))
    await server.close()
    expect(listening).toEqual([true])
    expect(server.server.listening).toBe(false)
    server = await app.run({ port: 0, announce: false })
    await server.close()
    expect(listening).toEqual([true, true])
  })

  it('a hook that never settles does not hold close() past the graceful timeout', async () => {
    const app = makeApp()
    app.onShutdown(() => new Promise(() => {}))
    const server = await app.run({ port: 0, announce: false, gracefulTimeout: 200 })
    const started = Date.now()
    await server.close()
    expect(Date.now() - started).toBeLessThan(2000)
  })
})
