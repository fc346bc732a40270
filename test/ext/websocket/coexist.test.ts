/**
 * phial/socketio and phial/websocket on one app and one server: each gets
 * its own upgrades; an app with Socket.IO only refuses other upgrades
 * (404) instead of leaving the socket hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Phial, type RunningServer } from 'phial'
import { SocketIO } from 'phial/socketio'
import { Sock } from 'phial/websocket'
import { io } from 'socket.io-client'
import { WebSocket } from 'ws'

function handshake(url: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url)
    ws.once('open', () => {
      ws.once('message', (d) => {
        resolve(`open ${d.toString()}`)
        ws.close()
      })
    })
    ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`))
    ws.once('error', (err) => resolve(`error ${err.message}`))
  })
}

describe('both extensions on one server', () => {
  let both: RunningServer
  let onlySio: RunningServer
  const apps: Array<{ socketio: SocketIO }> = []

  beforeAll(async () => {
    const app = new Phial(import.meta.url)
    app.config.LOG_LEVEL = 'silent'
    const socketio = new SocketIO(app)
    socketio.on('ping', () => 'pong')
    new Sock(app).route('/ws', async function plain(ws) {
      ws.send('plain')
    })
    both = await app.run({ port: 0, announce: false })

    const other = new Phial(import.meta.url)
    other.config.LOG_LEVEL = 'silent'
    const sio2 = new SocketIO(other)
    onlySio = await other.run({ port: 0, announce: false })
    apps.push({ socketio }, { socketio: sio2 })
  })

  afterAll(async () => {
    for (const { socketio } of apps) await socketio.close()
    await both.close()
    await onlySio.close()
  })

  it('Socket.IO and a WebSocket route answer side by side', async () => {
    const client = io(both.url, { transports: ['websocket'], reconnection: false, forceNew: true })
    expect(await client.timeout(3000).emitWithAck('ping')).toBe('pong')
    expect(await handshake(`${both.url.replace('http', 'ws')}/ws`)).toBe('open plain')
    expect(await handshake(`${both.url.replace('http', 'ws')}/missing`)).toBe('HTTP 404')
    client.disconnect()
  })

  it('with Socket.IO alone, another upgrade is a 404', async () => {
    expect(await handshake(`${onlySio.url.replace('http', 'ws')}/ws`)).toBe('HTTP 404')
  })
})
