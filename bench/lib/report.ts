/**
 * Turns the samples of a run into bench/RESULTS.md: medians, ratios, the
 * targets, the machine and the exact commands.
 */
import { existsSync, readFileSync } from 'node:fs'

/** One measured run of one framework on one scenario. */
export interface Sample {
  scenario: string
  framework: string
  round: number
  rps: number
  p50: number
  p99: number
  idleRss: number
  peakRss: number
  errors: number
  non2xx: number
  /** Share of the server's core that other processes used during the run (0–1). */
  noise: number
  /** Server CPU time per request, µs (robust to other load on the machine). */
  cpuUs: number
}

/** One in-process (test client) measurement. */
export interface InProcessSample {
  framework: string
  round: number
  rps: number
}

/** One startup measurement. */
export interface StartupSample {
  variant: string
  round: number
  ms: number
  idleRss: number
}

/** Everything a report is made of. */
export interface RunData {
  startedAt: string
  finishedAt: string
  machine: Record<string, string>
  settings: Record<string, string | number>
  versions: Array<{ id: string; label: string; version: string; notes: string }>
  scenarios: Array<{ id: string; title: string; request: string }>
  samples: Sample[]
  inProcess: InProcessSample[]
  startup: StartupSample[]
  startupVariants: Array<{ id: string; label: string; command: string }>
  /** Framework × scenario pairs not run, with the reason. */
  skipped: Array<{ scenario: string; framework: string; reason: string }>
  commands: Record<string, string>
}

/** The median of a list (NaN for an empty one). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

const num = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—'
const mb = (bytes: number): string => (Number.isFinite(bytes) && bytes > 0 ? `${(bytes / 1048576).toFixed(0)} MB` : '—')
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—')

interface Cell {
  rps: number
  p50: number
  p99: number
  idleRss: number
  peakRss: number
  errors: number
  non2xx: number
  noise: number
  cpuUs: number
  rounds: number
}

function cells(data: RunData): Map<string, Cell> {
  const groups = new Map<string, Sample[]>()
  for (const s of data.samples) {
    const key = `${s.scenario}/${s.framework}`
    const list = groups.get(key)
    if (list) list.push(s)
    else groups.set(key, [s])
  }
  const out = new Map<string, Cell>()
  for (const [key, list] of groups) {
    out.set(key, {
      rps: median(list.map((s) => s.rps)),
      p50: median(list.map((s) => s.p50)),
      p99: median(list.map((s) => s.p99)),
      idleRss: median(list.map((s) => s.idleRss)),
      peakRss: median(list.map((s) => s.peakRss)),
      errors: list.reduce((a, s) => a + s.errors, 0),
      non2xx: list.reduce((a, s) => a + s.non2xx, 0),
      noise: Math.max(...list.map((s) => s.noise)),
      cpuUs: median(list.map((s) => s.cpuUs)),
      rounds: list.length,
    })
  }
  return out
}

/**
 * The median over rounds of `fw`'s req/s divided by `base`'s in the same
 * round: paired, so that a slow minute on a shared machine cancels out.
 */
function pairedRatio(data: RunData, scenario: string, fw: string, base: string): number {
  const ratios: number[] = []
  for (const a of data.samples) {
    if (a.scenario !== scenario || a.framework !== fw) continue
    const b = data.samples.find((s) => s.scenario === scenario && s.framework === base && s.round === a.round)
    if (b && b.rps > 0) ratios.push(a.rps / b.rps)
  }
  return median(ratios)
}

const times = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—')

/** A target line: what, the measured value, and whether it is met. */
interface Target {
  what: string
  value: string
  met: boolean | null
}

function targets(data: RunData, table: Map<string, Cell>): Target[] {
  const out: Target[] = []
  const get = (scenario: string, fw: string): Cell | undefined => table.get(`${scenario}/${fw}`)
  for (const sc of data.scenarios) {
    const p = get(sc.id, 'phial')
    const f = get(sc.id, 'fastify')
    if (!p || !f) continue
    const r = pairedRatio(data, sc.id, 'phial', 'fastify')
    out.push({ what: `≥ 1.0× Fastify: ${sc.title}`, value: `${r.toFixed(2)}× (${num(p.rps)} vs ${num(f.rps)} req/s)`, met: r >= 1 })
  }
  const pt = median(data.inProcess.filter((s) => s.framework === 'phial').map((s) => s.rps))
  const ft = median(data.inProcess.filter((s) => s.framework === 'fastify').map((s) => s.rps))
  if (Number.isFinite(pt) && Number.isFinite(ft)) {
    out.push({ what: '≥ 1.0× Fastify: test client (in-process)', value: `${(pt / ft).toFixed(2)}× (${num(pt)} vs ${num(ft)} req/s)`, met: pt >= ft })
  }
  for (const sc of ['plaintext', 'json']) {
    const p = get(sc, 'phial')
    const n = get(sc, 'node')
    if (!p || !n) continue
    const r = pairedRatio(data, sc, 'phial', 'node')
    out.push({ what: `≥ 0.9× node:http: ${sc}`, value: `${r.toFixed(2)}×`, met: r >= 0.9 })
  }
  for (const sc of data.scenarios) {
    const p = get(sc.id, 'phial')
    const fl = get(sc.id, 'flask')
    if (!p || !fl) continue
    const r = pairedRatio(data, sc.id, 'phial', 'flask')
    out.push({ what: `≥ 8× Flask/gunicorn: ${sc.title}`, value: `${r.toFixed(1)}×`, met: r >= 8 })
  }
  for (const sc of data.scenarios) {
    const p = get(sc.id, 'phial')
    const f = get(sc.id, 'fastify')
    if (!p || !f || !(p.peakRss > 0) || !(f.peakRss > 0)) continue
    out.push({
      what: `peak RSS ≤ Fastify + 10%: ${sc.title}`,
      value: `${mb(p.peakRss)} vs ${mb(f.peakRss)} (${((p.peakRss / f.peakRss - 1) * 100).toFixed(0)}%)`,
      met: p.peakRss <= f.peakRss * 1.1,
    })
  }
  const startup = median(data.startup.filter((s) => s.variant === 'phial').map((s) => s.ms))
  if (Number.isFinite(startup)) out.push({ what: 'startup, 500 routes < 300 ms (built JS)', value: `${startup.toFixed(0)} ms`, met: startup < 300 })
  return out
}

/**
 * The Markdown report.
 *
 * @example
 * ```ts
 * writeFileSync('bench/RESULTS.md', renderReport(data, 'bench/OPTIMISATIONS.md'))
 * ```
 */
export function renderReport(data: RunData, optimisationsFile: string): string {
  const table = cells(data)
  const fws = data.versions
  const label = (id: string): string => fws.find((f) => f.id === id)?.label ?? id
  const lines: string[] = []
  const push = (...l: string[]): void => {
    lines.push(...l)
  }
  push(
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` (bench/run.ts) on ${data.finishedAt}. Medians of ${data.settings.rounds} rounds;`,
    'frameworks interleaved round by round. Read docs/performance.md for how to run it and read it.',
    'These numbers are this machine\'s; only a side-by-side run counts.',
    '',
    '## Machine and settings',
    '',
    '| | |',
    '|---|---|',
    ...Object.entries(data.machine).map(([k, v]) => `| ${k} | ${v} |`),
    ...Object.entries(data.settings).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '| framework | version |',
    '|---|---|',
    ...fws.map((f) => `| ${f.label} | ${f.version} |`),
    '',
  )

  push('## The servers', '')
  for (const f of fws) push(`- **${f.label}**: ${f.notes}`)
  push('')

  const tgs = targets(data, table)
  if (tgs.length) {
    push('## Targets', '', '| target | measured | |', '|---|---|---|')
    for (const t of tgs) push(`| ${t.what} | ${t.value} | ${t.met === null ? '' : t.met ? 'met' : '**missed**'} |`)
    push('')
  }

  push(
    '*CPU/req*: the server\'s CPU time per request (its process tree, user + system), which other load on the',
    'machine barely changes. *noise*: the largest share of the server\'s core that other processes took during a',
    'measured run (the machine is shared; runs above the noise limit are retried).',
    '',
  )
  push('## Requests per second (medians)', '')
  push(`| scenario | ${fws.map((f) => f.label).join(' | ')} |`, `|---|${fws.map(() => '---:').join('|')}|`)
  for (const sc of data.scenarios) {
    const row = fws.map((f) => {
      const c = table.get(`${sc.id}/${f.id}`)
      if (c) return num(c.rps)
      const skip = data.skipped.find((s) => s.scenario === sc.id && s.framework === f.id)
      return skip ? 'n/a' : '—'
    })
    push(`| ${sc.title} | ${row.join(' | ')} |`)
  }
  const tcRow = fws.map((f) => {
    const v = median(data.inProcess.filter((s) => s.framework === f.id).map((s) => s.rps))
    return Number.isFinite(v) ? num(v) : 'n/a'
  })
  if (data.inProcess.length) push(`| test client (in-process, GET /json) | ${tcRow.join(' | ')} |`)
  push('')

  push('## Each scenario', '')
  push(
    'req/s, p50, p99 and CPU/req are medians over the rounds; the × columns are medians of the per-round ratios',
    '(each round\'s runs are seconds apart). Peak RSS is the server\'s `VmHWM` over its measured slots (reset after',
    'warm-up); idle RSS is measured after start-up and the first checked answer.',
    '',
  )
  for (const sc of data.scenarios) {
    const node = table.get(`${sc.id}/node`)
    const fastify = table.get(`${sc.id}/fastify`)
    push(`### ${sc.title}`, '', sc.request, '')
    push('| framework | req/s | × node:http | × Fastify | p50 | p99 | CPU/req | idle RSS | peak RSS | errors | noise |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for (const f of fws) {
      const c = table.get(`${sc.id}/${f.id}`)
      if (!c) continue
      const errs = c.errors + c.non2xx
      push(
        `| ${f.label} | ${num(c.rps)} | ${node ? times(pairedRatio(data, sc.id, f.id, 'node')) : '—'} | ${fastify ? times(pairedRatio(data, sc.id, f.id, 'fastify')) : '—'} | ${num(c.p50, 2)} ms | ${num(c.p99, 2)} ms | ${num(c.cpuUs, 1)} µs | ${mb(c.idleRss)} | ${mb(c.peakRss)} | ${errs === 0 ? '0' : `${num(c.errors)} socket, ${num(c.non2xx)} non-2xx/3xx`} | ${Number.isFinite(c.noise) ? `${(c.noise * 100).toFixed(0)}%` : '—'} |`,
      )
    }
    const skips = data.skipped.filter((s) => s.scenario === sc.id)
    for (const s of skips) push(`| ${label(s.framework)} | n/a: ${s.reason} | | | | | | | | | |`)
    push('')
  }

  if (data.inProcess.length) {
    push('## Test client (in-process requests per second, GET /json)', '')
    push('One process pinned to the server core calls the framework\'s own test client back to back.', '')
    push('| framework | req/s | × Fastify |', '|---|---:|---:|')
    const tcFastify = median(data.inProcess.filter((s) => s.framework === 'fastify').map((s) => s.rps))
    for (const f of fws) {
      const v = median(data.inProcess.filter((s) => s.framework === f.id).map((s) => s.rps))
      if (Number.isFinite(v)) push(`| ${f.label} (${testClientName(f.id)}) | ${num(v)} | ${ratio(v, tcFastify)} |`)
    }
    push('')
  }

  if (data.startup.length) {
    push('## Startup and memory', '')
    push(
      'Time from spawning the process to the first 200 answer, for an app of 500 routes (the 100-route table',
      'five times over, plus the scenario routes), and its RSS right after that answer. Peak RSS under load is',
      'the median `VmHWM` of the server process (tree) after the plaintext and JSON scenarios.',
      '',
    )
    push('| variant | startup | idle RSS (500 routes) | peak RSS, plaintext | peak RSS, JSON |', '|---|---:|---:|---:|---:|')
    for (const v of data.startupVariants) {
      const list = data.startup.filter((s) => s.variant === v.id)
      if (!list.length) continue
      const base = v.id.split(':')[0]!
      push(
        `| ${v.label} | ${num(median(list.map((s) => s.ms)))} ms | ${mb(median(list.map((s) => s.idleRss)))} | ${mb(table.get(`plaintext/${base}`)?.peakRss ?? NaN)} | ${mb(table.get(`json/${base}`)?.peakRss ?? NaN)} |`,
      )
    }
    push('', 'Startup commands:', '')
    for (const v of data.startupVariants) push(`- ${v.label}: \`${v.command}\``)
    push('')
  }

  if (data.skipped.length) {
    push('## Not run', '')
    for (const s of data.skipped) push(`- ${label(s.framework)}, ${data.scenarios.find((x) => x.id === s.scenario)?.title ?? s.scenario}: ${s.reason}`)
    push('')
  }

  push('## Exact commands', '', '```')
  for (const [k, v] of Object.entries(data.commands)) push(`# ${k}`, v)
  push('```', '')

  if (existsSync(optimisationsFile)) {
    push(readFileSync(optimisationsFile, 'utf8').trim(), '')
  }
  return lines.join('\n')
}

function testClientName(id: string): string {
  switch (id) {
    case 'phial':
      return 'app.testClient()'
    case 'fastify':
      return 'app.inject()'
    case 'hono':
      return 'app.request()'
    case 'flask':
      return 'app.test_client()'
    default:
      return 'in-process'
  }
}
