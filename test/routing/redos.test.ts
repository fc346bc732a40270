/**
 * Issue 18: no rule may match in worse than linear time in the path length.
 * `/slug/<a>-<b>-<c>-<int:n>` used to compile to `^([^/]+)-([^/]+)-([^/]+)-(\d+)$`,
 * and a segment of 2,000 dashes took 1.9 s. The timing runs in a child
 * process (a super-linear match blocks its whole thread) with a generous
 * bound on the CPU time of each match (not wall time, which a loaded
 * machine stretches: 269 ms was seen for a linear match so), so it fails
 * only on super-linear behaviour, not on a slow or busy machine.
 */
import { describe, it, expect } from 'vitest'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { UrlMap, Rule, BaseConverter, RuleError } from '../../src/routing/index.ts'

const CHILD = fileURLToPath(new URL('./redos-child.ts', import.meta.url))
/** CPU ms per match of an ~8,000-character path; linear matching takes a few. */
const BOUND_MS = 250
/** The whole child run; the code before the fix needed minutes for one case. */
const CHILD_TIMEOUT_MS = 60_000

function runChild(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

describe('routing in linear time (issue 18)', () => {
  it(`matches generated multi-converter rules against adversarial 8k paths within ${BOUND_MS} ms each`, async () => {
    const { code, out } = await runChild(['8000', '18'])
    const result = /^RESULT (.*)$/m.exec(out)
    const lastCase = out.trim().split('\n').filter((l) => l.startsWith('case ')).pop()
    expect(result, `the child did not finish (exit ${code}); last case started: ${lastCase}\n${out.slice(-2000)}`).not.toBeNull()
    const { cases, worst } = JSON.parse(result![1]) as { cases: number; worst: { ms: number; rule: string; path: string } }
    expect(cases).toBeGreaterThan(300)
    expect(worst.ms, `slowest: ${worst.rule} on ${worst.path}`).toBeLessThan(BOUND_MS)
  }, CHILD_TIMEOUT_MS + 10_000)

  it("keeps Werkzeug's (greedy, leftmost) values for several converters in one segment", () => {
    const map = new UrlMap()
    map.add(new Rule('/slug/<a>-<b>-<c>-<int:n>', { endpoint: 'slug' }))
    map.add(new Rule('/v/<int:major>.<int:minor><rest>', { endpoint: 'version' }))
    map.add(new Rule('/f/<path:dir>/x/<path:rest>/', { endpoint: 'files' }))
    const args = (path: string) => {
      const r = map.match(path, 'GET')
      return r.kind === 'match' ? r.args : r.kind
    }
    // what Python's and JavaScript's regex give for ^([^/]+)-([^/]+)-([^/]+)-(\d+)$
    expect(args('/slug/x-y-z-w-5')).toEqual({ a: 'x-y', b: 'z', c: 'w', n: 5 })
    expect(args('/slug/a-b-c-d')).toBe('notFound')
    expect(args('/slug/' + '-'.repeat(4000))).toBe('notFound')
    expect(args('/v/10.25beta')).toEqual({ major: 10, minor: 25, rest: 'beta' })
    expect(args('/v/1.2345')).toEqual({ major: 1, minor: 234, rest: '5' })
    expect(args('/f/a/x/b/x/c/')).toEqual({ dir: 'a', rest: 'b/x/c' })
    expect(args('/f/a/x/b')).toBe('redirect')
  })

  it('refuses a converter regex that cannot be matched in linear time, saying why', () => {
    class Lookahead extends BaseConverter {
      override regex = '(?=a)[a-z]+'
    }
    class Backreference extends BaseConverter {
      override regex = '(a)\\1'
    }
    const map = new UrlMap({ converters: { look: Lookahead, back: Backreference } })
    expect(() => map.add(new Rule('/x/<look:v>', { endpoint: 'x' }))).toThrow(RuleError)
    expect(() => map.add(new Rule('/x/<look:v>', { endpoint: 'x' }))).toThrow(/lookaround.*linear time/)
    expect(() => map.add(new Rule('/y/<back:v>', { endpoint: 'y' }))).toThrow(/backreference.*linear time/)
    // counted repeats are expanded; too many for one segment is refused (a lone one runs on V8, linear already)
    expect(() => map.add(new Rule('/z/<string(maxlength=600):a>-<b>', { endpoint: 'z' }))).toThrow(/counted repeats too large/)
    map.add(new Rule('/w/<string(maxlength=3000):a>', { endpoint: 'w' }))
    map.add(new Rule('/v/<string(maxlength=200):a>-<string(maxlength=200):b>', { endpoint: 'v' }))
    expect(map.match('/v/a-b-c', 'GET')).toMatchObject({ kind: 'match', args: { a: 'a-b', b: 'c' } })
  })
})
