/**
 * phial/socketio in Chromium: two pages logged in as two users (separate
 * browser contexts, so separate session cookies) on a live chat page. A
 * message one sends arrives on the other's page without a reload; a
 * notification for one user (a view emitting to that user's room) reaches
 * only that user; a page without a session is refused. The browser uses
 * Socket.IO's default transports (long-polling, then the WebSocket upgrade),
 * so the polling path and the origin check run as a browser drives them.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { Phial, redirect, request, sendFile, session, type RunningServer } from 'phial'
import { SocketIO, emit, joinRoom } from 'phial/socketio'
import { browserMissing, launch, requireServices } from './browser.ts'

const missing = browserMissing()
if (missing && requireServices) throw new Error(`test/e2e/socketio.test.ts: Chromium is required (PHIAL_REQUIRE_SERVICES=1) but ${missing}`)
if (missing) console.warn(`test/e2e/socketio.test.ts: skipping: ${missing}`)

const CLIENT_JS = fileURLToPath(new URL('../../node_modules/socket.io-client/dist/socket.io.min.js', import.meta.url))

const PAGE = `<!doctype html><meta charset="utf-8"><title>chat</title>
<ul id="messages"></ul><p id="status">connecting</p><p id="notices"></p>
<script src="/socket.io.js"></script>
<script>
  const socket = io()
  socket.on('connect', () => { document.getElementById('status').textContent = 'connected' })
  socket.on('connect_error', (err) => { document.getElementById('status').textContent = 'refused: ' + err.message })
  socket.on('chat', (m) => {
    const li = document.createElement('li')
    li.textContent = m.from + ': ' + m.text
    document.getElementById('messages').append(li)
  })
  socket.on('notice', (text) => { document.getElementById('notices').textContent += text + ';' })
  window.say = (text) => socket.emitWithAck('say', text)
</script>`

describe.skipIf(missing !== null)('a live chat page in Chromium', () => {
  let server: RunningServer
  let browser: Browser
  let socketio: SocketIO

  beforeAll(async () => {
    const app = new Phial(import.meta.url)
    app.config.fromMapping({ SECRET_KEY: 'e2e-socketio', LOG_LEVEL: 'silent' })
    socketio = new SocketIO(app)
    app.get('/', function index() {
      return PAGE
    })
    app.get('/socket.io.js', function clientJs() {
      return sendFile(CLIENT_JS, { mimetype: 'text/javascript' })
    })
    app.get('/login/<name>', function doLogin({ name }: { name: string }) {
      session.set('user', name)
      return redirect('/')
    })
    app.post('/notify/<name>', function notify({ name }: { name: string }) {
      socketio.emit('notice', String(request.json), { to: `user:${name}` })
      return 'ok'
    })
    socketio.on('connect', async () => {
      const user = session.get('user') as string | undefined
      if (!user) return false
      await joinRoom('lobby')
      await joinRoom(`user:${user}`)
    })
    socketio.on('say', (text: string) => {
      emit('chat', { from: session.get('user'), text }, { to: 'lobby', broadcast: true })
      return 'sent'
    })
    server = await app.run({ port: 0, announce: false })
    browser = await launch()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await socketio?.close()
    await server?.close()
  })

  it('a message from one user appears on the other page; a notification reaches only its user', async () => {
    const ada = await (await browser.newContext()).newPage()
    const bob = await (await browser.newContext()).newPage()
    await ada.goto(`${server.url}/login/ada`)
    await bob.goto(`${server.url}/login/bob`)
    await ada.waitForFunction(`document.getElementById('status').textContent === 'connected'`)
    await bob.waitForFunction(`document.getElementById('status').textContent === 'connected'`)

    expect(await ada.evaluate(`window.say('hello bob')`)).toBe('sent')
    await bob.waitForFunction(`document.getElementById('messages').textContent.includes('ada: hello bob')`)
    expect(await bob.locator('#messages li').allTextContents()).toEqual(['ada: hello bob'])

    const res = await fetch(`${server.url}/notify/bob`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"your post has a comment"' })
    expect(res.status).toBe(200)
    await bob.waitForFunction(`document.getElementById('notices').textContent.includes('your post has a comment')`)
    await ada.waitForTimeout(200)
    expect(await ada.locator('#notices').textContent()).toBe('')
  }, 60_000)

  it('a page without a session is refused', async () => {
    const guest = await (await browser.newContext()).newPage()
    await guest.goto(server.url)
    await guest.waitForFunction(`document.getElementById('status').textContent.startsWith('refused')`)
    expect(await guest.locator('#status').textContent()).toBe('refused: Connection refused by the server')
  }, 30_000)
})
