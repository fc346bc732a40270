/**
 * CPU time per request, A/B interleaved: `node bench/hot/cpu.mjs <scenario> <rounds> <n> label=ENV:v,ENV:v …`
 * For each round and variant: start bench/hot/server.mjs (CPU 0), warm up with n requests, then
 * read the server's CPU time (user+system) around n more requests from a keep-alive client
 * (CPU 1, 16 connections, bench/hot/client.mjs). Other load on the machine disturbs CPU time per
 * request far less than req/s. Prints each variant's median µs/request and its ratio to the first.
 */
import { execFileSync, spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { request } from 'node:http'

const [scenario = 'plaintext', roundsArg = '5', nArg = '20000', ...specs] = process.argv.slice(2)
const PATHS = { plaintext: '/plaintext', json: '/json', param: '/users/12345', routes: '/api/v3/r99/abc' }
const path = PATHS[scenario]
const variants = specs.map((s) => {
  const i = s.indexOf('=')
  const env = i === -1 ? {} : Object.fromEntries(s.slice(i + 1).split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]))
  return { label: i === -1 ? s : s.slice(0, i), env, us: [] }
})
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
function get(port, p) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: p }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode, text }))
    })
    req.on('error', () => resolve({ status: 0, text: '' }))
    req.end()
  })
}
const client = new URL('./client.mjs', import.meta.url).pathname
let port = 25100
for (let round = 0; round < Number(roundsArg); round++) {
  for (const v of round % 2 ? [...variants].reverse() : variants) {
    port += 2
    const out = openSync(process.env.AB_LOG ?? '/dev/null', 'a')
    const nodeBin = v.env.NODE_BIN ?? process.execPath
    const child = spawn('taskset', ['-c', '0', nodeBin, new URL('./server.mjs', import.meta.url).pathname], {
      env: { ...process.env, NODE_ENV: 'production', SCENARIO: scenario, PORT: String(port), CPU_PORT: String(port + 1), ...v.env },
      stdio: ['ignore', out, 'inherit'],
    })
    let status = 0
    for (let i = 0; i < 200 && status !== 200; i++) { await sleep(50); status = (await get(port, path)).status }
    if (status !== 200) throw new Error(`${v.label}: status ${status}`)
    execFileSync('taskset', ['-c', '1', process.execPath, client, String(port), path, nArg, '16'])
    const before = Number((await get(port + 1, '/')).text)
    execFileSync('taskset', ['-c', '1', process.execPath, client, String(port), path, nArg, '16'])
    const after = Number((await get(port + 1, '/')).text)
    v.us.push((after - before) / Number(nArg))
    child.kill()
    await new Promise((r) => child.once('exit', r))
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
const base = median(variants[0].us)
for (const v of variants) {
  process.stdout.write(`${scenario.padEnd(10)} ${v.label.padEnd(16)} ${median(v.us).toFixed(2).padStart(7)} µs CPU/request  ${(median(v.us) / base).toFixed(3)}×  [${v.us.map((r) => r.toFixed(2)).join(' ')}]\n`)
}
