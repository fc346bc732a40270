/** `node bench/hot/client.mjs <port> <path> <n> [concurrency]`: n keep-alive GETs, then exits. */
import { Agent, request } from 'node:http'
const [port, path, n, conc = '8'] = process.argv.slice(2)
const agent = new Agent({ keepAlive: true, maxSockets: Number(conc) })
let left = Number(n)
let bad = 0
function one() {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: Number(port), path, agent }, (res) => {
      if (res.statusCode !== 200) bad++
      res.resume()
      res.on('end', resolve)
    })
    req.on('error', () => { bad++; resolve() })
    req.end()
  })
}
async function worker() { while (left-- > 0) await one() }
await Promise.all(Array.from({ length: Number(conc) }, worker))
agent.destroy()
if (bad) { process.stderr.write(`${bad} failed\n`); process.exitCode = 1 }
