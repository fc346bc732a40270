/**
 * `acquireTestServer`: one loopback server per app, shared by every lease,
 * with the app's server hooks, closed by the last release (also when a
 * keep-alive connection is still open), and started again after that.
 */
import { request as httpRequest, Agent } from 'node:http'
import { describe, expect, it } from 'vitest'
import { Phial, acquireTestServer } from '../../src/index.ts'

function makeApp(): Phial {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({ LOG_LEVEL: 'silent', TESTING: true })
  app.get('/', function index() {
    return 'hello'
  })
  return app
}

function get(url: string, agent?: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve(body))
    }).on('error', reject).end()
  })
}

describe('acquireTestServer', () => {
  it('serves the app on 127.0.0.1 and shares one server between leases', async () => {
    const app = makeApp()
    const [a, b] = await Promise.all([acquireTestServer(app), acquireTestServer(app)])
    expect(a.server).toBe(b.server)
    expect(a.url).toBe(`http://127.0.0.1:${a.port}`)
    expect(await get(`${a.url}/`)).toBe('hello')
    await a.release()
    expect(a.server.listening).toBe(true) // b still holds it
    expect(await get(`${b.url}/`)).toBe('hello')
    await b.release()
    expect(b.server.listening).toBe(false)
  })

  it("runs the app's server hooks once, before it listens", async () => {
    const app = makeApp()
    const seen: boolean[] = []
    app.serverHooks.push((server) => seen.push(server.listening))
    const a = await acquireTestServer(app)
    const b = await acquireTestServer(app)
    expect(seen).toEqual([false])
    await a.release()
    await b.release()
  })

  it('a second release of the same lease does not close a server another lease holds', async () => {
    const app = makeApp()
    const a = await acquireTestServer(app)
    const b = await acquireTestServer(app)
    await a.release()
    await a.release()
    expect(b.server.listening).toBe(true)
    await b.release()
    expect(b.server.listening).toBe(false)
  })

  it('closes although a keep-alive connection is open, and a later call starts a new server', async () => {
    const app = makeApp()
    const agent = new Agent({ keepAlive: true })
    const first = await acquireTestServer(app)
    expect(await get(`${first.url}/`, agent)).toBe('hello')
    const started = Date.now()
    await first.release()
    expect(Date.now() - started).toBeLessThan(1000)
    const second = await acquireTestServer(app)
    expect(second.server).not.toBe(first.server)
    expect(await get(`${second.url}/`)).toBe('hello')
    await second.release()
    agent.destroy()
  })

  it('each app has its own server', async () => {
    const one = await acquireTestServer(makeApp())
    const two = await acquireTestServer(makeApp())
    expect(one.port).not.toBe(two.port)
    await Promise.all([one.release(), two.release()])
  })
})
