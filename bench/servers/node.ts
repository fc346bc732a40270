/**
 * Bare `node:http`: the limit. Only the plaintext, JSON and int-parameter
 * endpoints, answered by hand. `BENCH_LOG=1` calls pino-http first in the
 * handler (its documented use on a bare server; one JSON line per request
 * on stdout): the floor of what an access log costs.
 */
import { createServer } from 'node:http'
import { HELLO, LOGGING, PORT } from './shared.ts'

const USER = /^\/users\/(\d{1,15})$/
// loaded only when logging, so that the startup floor stays a process that does nothing
const log = LOGGING ? (await import('pino-http')).pinoHttp() : null

createServer((req, res) => {
  if (log !== null) log(req, res)
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
