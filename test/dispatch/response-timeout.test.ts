/**
 * RESPONSE_TIMEOUT (issue 18): a view that never settles is answered with a
 * 504 through the error handlers, its `ctx.signal` is aborted and teardown
 * runs; before, the request was never answered (as with the timeout off).
 */
import { describe, expect, it } from 'vitest'
import { GatewayTimeout } from '../../src/index.ts'
import { makeApp, withServer } from '../core/helpers.ts'

const never = (): Promise<never> => new Promise<never>(() => {})

function hangingApp(timeout: number | null) {
  const app = makeApp()
  app.config.RESPONSE_TIMEOUT = timeout
  const seen = { aborted: null as unknown, teardown: 0 }
  app.get('/hang', function hang(_args, ctx) {
    ctx.signal.addEventListener('abort', () => { seen.aborted = ctx.signal.reason })
    return never()
  })
  app.get('/slow-hook', function afterHook() { return 'never reached' })
  app.beforeRequest((ctx) => (ctx.request.path === '/slow-hook' ? never() : undefined))
  app.get('/quick', async function quick() { return 'quick' })
  app.get('/sync', function sync(_args, ctx) { return String(ctx.signal.aborted) })
  app.teardownRequest(() => { seen.teardown++ })
  return { app, seen }
}

describe('RESPONSE_TIMEOUT', () => {
  it('a view that never settles is a 504, its signal aborted, teardown run', async () => {
    const { app, seen } = hangingApp(0.2)
    const started = Date.now()
    const res = await app.testClient().get('/hang')
    expect(res.status).toBe(504)
    expect(res.text).toContain('RESPONSE_TIMEOUT')
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
    expect(seen.aborted).toBeInstanceOf(GatewayTimeout)
    expect(seen.teardown).toBe(1)
  })

  it('goes through the error handlers, and also bounds a beforeRequest hook', async () => {
    const { app } = hangingApp(0.2)
    app.errorHandler(504, () => [{ error: 'too slow' }, 504])
    const c = app.testClient()
    const res = await c.get('/slow-hook')
    expect([res.status, res.json]).toEqual([504, { error: 'too slow' }])
    expect((await c.get('/quick')).text).toBe('quick')
    expect((await c.get('/sync')).text).toBe('false')
  })

  it('is off for the test client by default and with 0: the request stays pending', async () => {
    for (const timeout of [null, 0]) {
      const { app } = hangingApp(timeout)
      const outcome = await Promise.race([
        app.testClient().get('/hang').then(() => 'answered'),
        new Promise((resolve) => setTimeout(resolve, 400, 'pending')),
      ])
      expect([timeout, outcome]).toEqual([timeout, 'pending'])
    }
  })

  it('answers over a real socket', async () => {
    const { app, seen } = hangingApp(0.2)
    await withServer(app, async (srv) => {
      const res = await fetch(srv.url + '/hang')
      expect(res.status).toBe(504)
      await res.text()
    })
    expect(seen.teardown).toBe(1)
  })
})
