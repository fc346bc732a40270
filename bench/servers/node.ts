/**
 * Bare `node:http`: the limit. Only the plaintext, JSON and int-parameter
 * endpoints, answered by hand.
 */
import { createServer } from 'node:http'
import { HELLO, PORT } from './shared.ts'

const USER = /^\/users\/(\d{1,15})$/

createServer((req, res) => {
  const url = req.url ?? '/'
  if (url === '/plaintext') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(HELLO) })
    res.end(HELLO)
    return
  }
  if (url === '/json') {
    const body = JSON.stringify({ message: HELLO })
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
    return
  }
  const m = USER.exec(url)
  if (m !== null) {
    const body = JSON.stringify({ id: Number(m[1]) })
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
    return
  }
  res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 })
  res.end('Not Found')
}).listen(PORT, '127.0.0.1')
