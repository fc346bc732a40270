/**
 * A/B of bench/hot/inproc.mjs, interleaved:
 * `node bench/hot/inproc-ab.mjs <scenario> <rounds> <n> label=ENV:v,ENV:v …`
 * Each round runs every variant once (a fresh process each, the order reversed every other
 * round) and takes its best batch; prints the median over rounds per variant and its ratio to
 * the first. NODE_BIN in a variant's env picks the Node binary.
 */
import { execFileSync } from 'node:child_process'

const [scenario = 'plaintext', roundsArg = '5', nArg = '20000', ...specs] = process.argv.slice(2)
const variants = specs.map((s) => {
  const i = s.indexOf('=')
  const env = i === -1 ? {} : Object.fromEntries(s.slice(i + 1).split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]))
  return { label: i === -1 ? s : s.slice(0, i), env, ns: [] }
})
const script = new URL('./inproc.mjs', import.meta.url).pathname
for (let round = 0; round < Number(roundsArg); round++) {
  for (const v of round % 2 ? [...variants].reverse() : variants) {
    const out = execFileSync(v.env.NODE_BIN ?? process.execPath, [...(v.env.NODE_FLAGS ? v.env.NODE_FLAGS.split(' ') : []), script, scenario, nArg, '5'], {
      env: { ...process.env, NODE_ENV: 'production', ...v.env },
      encoding: 'utf8',
    })
    v.ns.push(Number(/(\d+) ns\/request best/.exec(out)[1]))
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
const base = median(variants[0].ns)
for (const v of variants) {
  process.stdout.write(`${scenario.padEnd(10)} ${v.label.padEnd(16)} ${String(median(v.ns)).padStart(6)} ns/request  ${(median(v.ns) / base).toFixed(3)}×  [${v.ns.join(' ')}]\n`)
}
