/**
 * Interleaved A/B under wrk: `node bench/hot/ab.mjs <scenario> <rounds> <seconds> label=ENV=v,ENV=v …`
 * Each variant is bench/hot/server.mjs with those environment variables
 * (FRAMEWORK, LOG, PHIAL_DIST, NODE_BIN for another Node). Server on CPU 0,
 * wrk (1 thread, 50 connections) on CPU 1; variants alternate within each
 * round; prints each variant's median req/s and its ratio to the first.
 */
import { spawn, execFileSync } from 'node:child_process'
import { openSync } from 'node:fs'
import { request } from 'node:http'

const [scenario = 'plaintext', roundsArg = '3', secondsArg = '5', ...specs] = process.argv.slice(2)
const PATHS = { plaintext: '/plaintext', json: '/json', param: '/users/12345', routes: '/api/v3/r99/abc' }
const path = PATHS[scenario]
const variants = specs.map((s) => {
  const [label, envs = ''] = s.split('=', 2).length === 2 ? [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)] : [s, '']
  const env = Object.fromEntries(envs.split(',').filter(Boolean).map((kv) => kv.split(':')))
  return { label, env, rps: [] }
})
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
function get(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)) })
    req.on('error', () => resolve(0))
    req.end()
  })
}
let port = 21100
for (let round = 0; round < Number(roundsArg); round++) {
  for (const v of round % 2 ? [...variants].reverse() : variants) {
    port++
    const out = openSync(process.env.AB_LOG ?? '/dev/null', 'a')
    const nodeBin = v.env.NODE_BIN ?? process.execPath
    const child = spawn('taskset', ['-c', '0', nodeBin, new URL('./server.mjs', import.meta.url).pathname], {
      env: { ...process.env, NODE_ENV: 'production', SCENARIO: scenario, PORT: String(port), ...v.env },
      stdio: ['ignore', out, 'inherit'],
    })
    let status = 0
    for (let i = 0; i < 100 && status === 0; i++) { await sleep(50); status = await get(port) }
    if (status !== 200) throw new Error(`${v.label}: status ${status}`)
    execFileSync('taskset', ['-c', '1', '/usr/bin/wrk', '-t1', '-c50', '-d1s', `http://127.0.0.1:${port}${path}`])
    const text = execFileSync('taskset', ['-c', '1', '/usr/bin/wrk', '-t1', '-c50', `-d${secondsArg}s`, `http://127.0.0.1:${port}${path}`]).toString()
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)[1])
    v.rps.push(rps)
    child.kill()
    await new Promise((r) => child.once('exit', r))
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
const base = median(variants[0].rps)
for (const v of variants) {
  process.stdout.write(`${scenario.padEnd(10)} ${v.label.padEnd(16)} median ${median(v.rps).toFixed(0).padStart(7)} req/s  ${(median(v.rps) / base).toFixed(3)}×  [${v.rps.map((r) => r.toFixed(0)).join(' ')}]\n`)
}
