/**
 * `node bench/hot/startup.mjs [dist]`: a 500-route app from process start to its first answer
 * (Node's own start included: `performance.now()` counts from the process's time origin).
 * PHIAL_IMPORTS=1 also prints the heaviest modules loaded (by file size) to see what import pulls in.
 */
import { pathToFileURL } from 'node:url'
import { request } from 'node:http'

const dist = process.argv[2] ?? new URL('../../dist/index.js', import.meta.url).pathname
const t0 = performance.now()
const { Phial } = await import(pathToFileURL(dist).href)
const t1 = performance.now()
const app = new Phial(import.meta.url, { name: 'startup' })
app.config.ACCESS_LOG = false
for (let i = 0; i < 500; i++) app.addUrlRule(`/api/v${i % 5}/things${i}/<int:id>`, `r${i}`, (args) => args)
const running = await app.run({ host: '127.0.0.1', port: 0, announce: false })
const status = await new Promise((resolve) => {
  request({ host: '127.0.0.1', port: running.port, path: '/api/v4/things499/7' }, (res) => {
    res.resume()
    res.on('end', () => resolve(res.statusCode))
  }).end()
})
const t2 = performance.now()
const cpu = process.cpuUsage()
process.stdout.write(
  `startup ${t2.toFixed(0)} ms, CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (node ${t0.toFixed(0)}, import ${(t1 - t0).toFixed(0)}, app+first request ${(t2 - t1).toFixed(0)}; status ${status})\n`,
)
await running.close()
process.exit(0)
