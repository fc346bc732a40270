/**
 * Drives a server with wrk (a generated Lua script sets the method, headers,
 * body and path rotation, and prints the summary as JSON), or with autocannon
 * when wrk is missing.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pinned, runToEnd } from './proc.ts'

/** What to send. */
export interface LoadSpec {
  port: number
  method: string
  paths: readonly string[]
  headers: Record<string, string>
  bodyFile?: string
  seconds: number
  connections: number
}

/** What came back. */
export interface LoadResult {
  requests: number
  seconds: number
  rps: number
  /** Latency percentiles, ms. */
  p50: number
  p99: number
  /** Socket errors and non-2xx/3xx answers. */
  errors: number
  non2xx: number
}

/** The load generator in use. */
export interface LoadGenerator {
  readonly name: string
  readonly version: string
  /** The command line of one run, for the results. */
  describe(spec: LoadSpec, core: string | null): string
  run(spec: LoadSpec, core: string | null): Promise<LoadResult>
}

function luaString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

/**
 * The Lua script wrk runs for a spec: method, headers, body (read from the
 * file once), the path rotation, and a `done` that prints the summary as JSON.
 *
 * @example
 * ```ts
 * writeFileSync('load.lua', wrkScript(spec))
 * ```
 */
export function wrkScript(spec: LoadSpec): string {
  const lines = [`wrk.method = ${luaString(spec.method)}`]
  for (const [k, v] of Object.entries(spec.headers)) lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`)
  if (spec.bodyFile) {
    lines.push(`local f = assert(io.open(${luaString(spec.bodyFile)}, "rb"))`, 'wrk.body = f:read("*a")', 'f:close()')
  }
  if (spec.paths.length > 1) {
    lines.push(
      `local paths = { ${spec.paths.map(luaString).join(', ')} }`,
      'local i = 0',
      'request = function()',
      '  i = i + 1',
      '  if i > #paths then i = 1 end',
      '  return wrk.format(nil, paths[i])',
      'end',
    )
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("BENCH_RESULT {\\"requests\\":%d,\\"duration\\":%d,\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d,\\"p50\\":%d,\\"p99\\":%d}\\n",',
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99)))',
    'end',
  )
  return lines.join('\n') + '\n'
}

/**
 * wrk, one thread, `connections` connections, latency from its own histogram.
 *
 * @example
 * ```ts
 * const gen = wrk('/usr/bin/wrk', '4.1.0', tmpDir)
 * ```
 */
export function wrk(binary: string, version: string, scriptDir: string): LoadGenerator {
  let counter = 0
  const script = (spec: LoadSpec): string => {
    const file = join(scriptDir, `load-${process.pid}-${counter++}.lua`)
    writeFileSync(file, wrkScript(spec))
    return file
  }
  const args = (spec: LoadSpec, file: string): string[] => [
    binary,
    '-t1',
    `-c${spec.connections}`,
    // wrk takes whole seconds only
    `-d${Math.max(1, Math.round(spec.seconds))}s`,
    '--timeout',
    '10s',
    '-s',
    file,
    `http://127.0.0.1:${spec.port}${spec.paths[0]}`,
  ]
  return {
    name: 'wrk',
    version,
    describe: (spec, core) => pinned(core, args(spec, '<scenario>.lua')).join(' '),
    async run(spec, core) {
      const file = script(spec)
      const r = await runToEnd(pinned(core, args(spec, file)), {}, (spec.seconds + 30) * 1000)
      const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '))
      if (!line) throw new Error(`wrk gave no result (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
      const s = JSON.parse(line.slice('BENCH_RESULT '.length)) as Record<string, number>
      const seconds = s.duration! / 1e6
      return {
        requests: s.requests!,
        seconds,
        rps: s.requests! / seconds,
        p50: s.p50! / 1000,
        p99: s.p99! / 1000,
        errors: s.connect! + s.read! + s.write! + s.timeout!,
        non2xx: s.status!,
      }
    },
  }
}

/**
 * autocannon, run in its own Node process on the load core (bench/lib/autocannon-worker.ts).
 *
 * @example
 * ```ts
 * const gen = autocannon('9.0.0')
 * ```
 */
export function autocannon(version: string): LoadGenerator {
  const args = (spec: LoadSpec): string[] => [process.execPath, '--import', 'tsx', 'bench/lib/autocannon-worker.ts', JSON.stringify(spec)]
  return {
    name: 'autocannon',
    version,
    describe: (spec, core) => pinned(core, [...args(spec).slice(0, 4), `'<spec json>'`]).join(' '),
    async run(spec, core) {
      const r = await runToEnd(pinned(core, args(spec)), {}, (spec.seconds + 60) * 1000)
      const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '))
      if (!line) throw new Error(`autocannon gave no result (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
      return JSON.parse(line.slice('BENCH_RESULT '.length)) as LoadResult
    },
  }
}
