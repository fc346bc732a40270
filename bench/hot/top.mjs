/** `node bench/hot/top.mjs file.cpuprofile [n]`: the functions with the most self time. */
import { readFileSync } from 'node:fs'
const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const self = new Map()
let total = 0
for (const n of profile.nodes) {
  const hits = n.hitCount ?? 0
  total += hits
  const url = n.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')
  const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`
  self.set(key, (self.get(key) ?? 0) + hits)
}
// PER_REQUEST=n: also µs of self time per request (the profile's duration shared by its samples)
const n = Number(process.env.PER_REQUEST ?? 0)
const usPerHit = (profile.endTime - profile.startTime) / profile.samples.length
let busy = 0
for (const [key, hits] of self) if (!key.startsWith('(idle)')) busy += hits
if (n) process.stdout.write(`busy ${((busy * usPerHit) / n).toFixed(2)} µs/request\n`)
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 45))) {
  const per = n ? `${((hits * usPerHit) / n).toFixed(3).padStart(7)} µs ` : ''
  process.stdout.write(`${per}${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`)
}
