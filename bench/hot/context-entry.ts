/**
 * What entering a context costs, and the access line's duration text: the
 * micro-benchmarks behind bench/OPTIMISATIONS.md's session 7 entries.
 *
 *   node --import tsx --conditions=source bench/hot/context-entry.ts   (run it on Node 20 and on Node 24)
 *
 * Prints ns per call, best of 3 rounds of 2M calls, each case in a process of
 * its own (one call site per process, so the JIT does not mix them), the cases
 * alternating for `--runs` (3) runs: `contextStorage.run` against Phial's
 * `runInContext` (core/enter-context.ts), a context from a pool of 1,024 each
 * call; `String(Math.round(ms * 1000) / 1000)` against `millisText`.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Context, contextStorage } from '../../src/core/context.ts'
import { runInContext } from '../../src/core/enter-context.ts'
import { millisText } from '../../src/server/access-log.ts'
import { Phial } from '../../src/index.ts'

const N = 2_000_000
const app = new Phial(import.meta.url, { name: 'entry', staticFolder: null, templateFolder: null })
const contexts = Array.from({ length: 1024 }, () => new Context(app, null))
const durations = Array.from({ length: 1024 }, () => Math.random() * 3)
let sink = 0

function isActive(ctx: Context): number {
  return contextStorage.getStore() === ctx ? 1 : 0
}

const cases: Array<[string, (i: number) => void]> = [
  ['contextStorage.run', (i) => { const c = contexts[i & 1023]!; sink += contextStorage.run(c, isActive, c) }],
  ['runInContext', (i) => { const c = contexts[i & 1023]!; sink += runInContext(c, isActive, c) }],
  ['String(duration)', (i) => { sink += String(Math.round(durations[i & 1023]! * 1000) / 1000).length }],
  ['millisText', (i) => { sink += millisText(Math.round(durations[i & 1023]! * 1000)).length }],
]
const only = process.argv[2]
if (only === undefined) {
  const runs = Number(/--runs=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 3)
  const results = new Map<string, number[]>(cases.map(([name]) => [name, []]))
  for (let run = 0; run < runs; run++) {
    for (const [name] of cases) {
      const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], { encoding: 'utf8' })
      results.get(name)!.push(Number(out.trim()))
    }
  }
  for (const [name, ns] of results) console.log(`${name.padEnd(20)} ${ns.map((n) => n.toFixed(0).padStart(5)).join(' ')} ns/call  (Node ${process.version})`)
} else {
  const one = cases.find(([name]) => name === only)![1]
  let best = Infinity
  for (let round = 0; round < 3; round++) {
    const t = performance.now()
    for (let i = 0; i < N; i++) one(i)
    best = Math.min(best, ((performance.now() - t) * 1e6) / N)
  }
  if (sink === 0) throw new Error('nothing ran')
  console.log(best)
}
