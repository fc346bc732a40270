/**
 * The frameworks and the scenarios of the suite: what each server is started
 * with, what each scenario sends, and what a right answer looks like. Two
 * tiers: the *minimal* tier (one small server per framework, the
 * fastify/benchmarks shape, run with logging off and again with logging on)
 * and the *full* tier (the app with sessions, templates, uploads, static
 * files and hooks, each framework with the plugins that scenario needs).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { GITHUB_PATHS, HELLO } from '../servers/shared.ts'
import type { Fixtures } from './fixtures.ts'

/** The two tiers of the benchmark. */
export type Tier = 'minimal' | 'full'

/** A framework under test. */
export interface Framework {
  readonly id: string
  readonly label: string
  /** Version, read from the installed package. */
  readonly version: string
  /**
   * The command (before pinning) that serves `tier`'s app on `port` (also
   * given as `PORT`), or null when the framework has no server in that tier.
   */
  command(build: string, port: number, tier: Tier): string[] | null
  /** The command of the in-process (test client) scenario, or null when there is no test client. */
  inProcess: ((build: string) => string[]) | null
  /** Scenarios this framework cannot run here, with the reason. */
  readonly skip: Readonly<Record<string, string>>
  /**
   * How its servers are written (plugins, choices that matter for the
   * numbers): the minimal tier, what its logging-on run adds, the full tier.
   */
  readonly notes: { readonly minimal?: string; readonly logging?: string; readonly full?: string }
}

/**
 * One server configuration that takes turns in a scenario: a framework in
 * a tier, with its logging on or off (on only in the minimal tier).
 */
export interface Contender {
  /** `fastify`, or `fastify+log` for the logging-on run. */
  readonly id: string
  readonly label: string
  readonly framework: Framework
  readonly tier: Tier
  readonly logging: boolean
}

/** The contender id of a framework with logging on. */
export const logged = (frameworkId: string): string => `${frameworkId}+log`

/** How a scenario checks an answer before load. */
export interface Expectation {
  status: number
  /** Returns a problem, or null when the body is right. */
  check?: (body: Buffer, headers: Record<string, string | string[] | undefined>) => string | null
}

/** One load scenario. */
export interface Scenario {
  readonly id: string
  readonly title: string
  /** The tier whose servers answer it. */
  readonly tier: Tier
  readonly method: 'GET' | 'POST'
  /** Paths, cycled through by the load generator. */
  readonly paths: readonly string[]
  /** A file sent as the body of every request. */
  readonly bodyFile?: string
  readonly contentType?: string
  /** Work done before load to learn headers to send: the session cookie, or the validator for a 304. */
  readonly prepare?: 'session-cookie' | 'conditional'
  readonly expect: Expectation
  /**
   * Connections and minimum seconds for scenarios whose requests carry
   * megabytes (50 connections of 10 MB would measure the loopback queue).
   */
  readonly connections?: number
  readonly minSeconds?: number
  /**
   * False where the kernel's loopback work for big bodies runs on the
   * server's core outside the server process, so "other processes" is not
   * noise there.
   */
  readonly noiseCheck?: boolean
}

function pkgVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join('bench', 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '?'
  }
}

function jsonEquals(expected: unknown): (body: Buffer) => string | null {
  const want = JSON.stringify(expected)
  return (body) => {
    try {
      const got = JSON.stringify(JSON.parse(body.toString('utf8')))
      return got === want ? null : `body ${got.slice(0, 120)} is not ${want}`
    } catch {
      return `body is not JSON: ${body.toString('utf8').slice(0, 120)}`
    }
  }
}

/** The Python of Debian's python3-flask, and the gunicorn that runs it. */
export const GUNICORN = '/usr/bin/gunicorn'
export const SYSTEM_PYTHON = '/usr/bin/python3'

function node(file: string): (build: string) => string[] {
  return (build) => [process.execPath, join(build, 'servers', `${file}.js`)]
}

/** The servers of a framework: `bench/servers/<minimal>.ts` and `<full>.ts` (null: not in that tier). */
function servers(minimal: string | null, full: string | null): Framework['command'] {
  return (build, _port, tier) => {
    const file = tier === 'minimal' ? minimal : full
    return file === null ? null : node(file)(build)
  }
}

const PINO_HTTP = 'pino-http (its defaults: one JSON line per request, written when the response finishes)'

/** Every framework, in the order each round runs them. */
export function frameworks(): Framework[] {
  return [
    {
      id: 'phial',
      label: 'Phial',
      version: (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
      command: servers('minimal-phial', 'phial'),
      inProcess: node('phial'),
      skip: {},
      notes: {
        minimal:
          'bench/servers/minimal-phial.ts, served by `app.run()` from the built JS (dist/): `new Phial(import.meta.url)`, ' +
          'the four routes, Phial\'s defaults except `ACCESS_LOG = false` (the `X-Request-ID` echo stays on).',
        logging: 'Phial\'s defaults as they ship: the access log on (pino, one JSON line per request on stdout).',
        full:
          'bench/servers/phial.ts: defaults except `ACCESS_LOG = false`. Signed-cookie session (itsdangerous format), ' +
          '`renderTemplate` (Nunjucks with Jinja semantics), the built-in static route (conditional requests), ' +
          '`request.files` (uploads above 512 KiB spooled to a temp file, like Werkzeug), hooks on a blueprint using `g`.',
      },
    },
    {
      id: 'node',
      label: 'node:http',
      version: process.version,
      command: servers('node', null),
      inProcess: null,
      skip: {},
      notes: {
        minimal: 'bench/servers/node.ts: one `createServer` callback answering plaintext, JSON and the int parameter by hand (no router: no 100-route table).',
        logging: `the handler calls ${PINO_HTTP} first.`,
      },
    },
    {
      id: 'fastify',
      label: 'Fastify',
      version: pkgVersion('fastify'),
      command: servers('minimal-fastify', 'fastify'),
      inProcess: node('fastify'),
      skip: {},
      notes: {
        minimal:
          'bench/servers/minimal-fastify.ts, as fastify/benchmarks runs it: `Fastify()` with no plugins, `logger: false` ' +
          '(the default), response schemas on the JSON routes and a params schema on the int route.',
        logging: '`Fastify({ logger: true })`: pino on stdout, an "incoming request" and a "request completed" line per request.',
        full:
          'bench/servers/fastify.ts: `logger: false`; each plugin registered in its own encapsulated context (a plain ' +
          'plugin function, with a prefix where its routes share one), so that its hooks stay off the other routes: ' +
          '@fastify/static, @fastify/view (Nunjucks) with /fortunes, @fastify/secure-session (libsodium, pregenerated key) ' +
          'under the /session prefix, @fastify/multipart `saveRequestFiles()` (temp files, like Phial/Flask/koa-body) ' +
          'under /upload; the built-in JSON parser; hooks as `onRequest` hooks of an encapsulated context under /hooks.',
      },
    },
    {
      id: 'hono',
      label: 'Hono',
      version: `${pkgVersion('hono')} (@hono/node-server ${pkgVersion('@hono/node-server')})`,
      command: servers('minimal-hono', 'hono'),
      inProcess: node('hono'),
      skip: {},
      notes: {
        minimal: 'bench/servers/minimal-hono.ts on @hono/node-server, as fastify/benchmarks runs it: `c.text`/`c.json`, a regex param `{[0-9]+}`.',
        logging: `${PINO_HTTP} as the first \`app.use\` middleware, on the node-server bindings \`c.env.incoming\`/\`c.env.outgoing\`.`,
        full:
          'bench/servers/hono.ts: Nunjucks called directly (Hono has no view plugin), the session as a signed cookie ' +
          '(hono/cookie), `parseBody()` (uploads held in memory), `serveStatic` plus the `etag` middleware on /static/* ' +
          '(serveStatic alone never answers 304), hooks as `app.use` middleware on /hooks/*.',
      },
    },
    {
      id: 'express',
      label: 'Express',
      version: pkgVersion('express'),
      command: servers('minimal-express', 'express'),
      inProcess: null,
      skip: {},
      notes: {
        minimal: 'bench/servers/minimal-express.ts, as fastify/benchmarks runs it: `etag` and `x-powered-by` disabled; `res.json`/`res.type().send`.',
        logging: `${PINO_HTTP} as the first \`app.use\` middleware.`,
        full:
          'bench/servers/express.ts: Express\'s defaults; each middleware on the route that needs it: ' +
          '`express.json({ limit: \'2mb\' })` on the POST, cookie-session (a signed cookie, like Flask\'s) on /session, ' +
          'multer `single(\'file\')` to a temp file (removed after the answer) on /upload, `express.static` mounted on ' +
          '/static; Nunjucks\' Express integration; hooks as router middleware.',
      },
    },
    {
      id: 'koa',
      label: 'Koa',
      version: `${pkgVersion('koa')} (@koa/router ${pkgVersion('@koa/router')}, koa-body ${pkgVersion('koa-body')})`,
      command: servers('minimal-koa', 'koa'),
      inProcess: null,
      skip: {},
      notes: {
        minimal: 'bench/servers/minimal-koa.ts with @koa/router, as fastify/benchmarks runs it (koa-router).',
        logging: `${PINO_HTTP} as the first middleware on \`ctx.req\`/\`ctx.res\` (what koa-pino-logger does).`,
        full:
          'bench/servers/koa.ts: @koa/router; koa-body on the routes that read a body (JSON; multipart through formidable, ' +
          'temp files removed by the handler), koa-session (cookie store, signed with `app.keys`) on /session, koa-static ' +
          'behind koa-conditional-get + koa-etag for paths under /static/ only; Nunjucks called directly; hooks as router ' +
          'middleware.',
      },
    },
    {
      id: 'flask',
      label: 'Flask/gunicorn',
      version: flaskVersion(),
      command: (_build, port, tier) =>
        tier === 'full' ? [GUNICORN, '--workers', '1', '--worker-class', 'sync', '--bind', `127.0.0.1:${port}`, '--chdir', 'bench/servers', 'flask_app:app'] : null,
      inProcess: () => [SYSTEM_PYTHON, 'bench/servers/flask_app.py', 'inprocess'],
      skip: {},
      notes: {
        full:
          'bench/servers/flask_app.py with Debian\'s python3-flask under Debian\'s gunicorn, one sync worker ' +
          '(no keep-alive: a connection per request): `render_template` (Jinja2), the default session, ' +
          '`request.files`, the static folder, `before_request` on a blueprint using `g`.',
      },
    },
  ]
}

function flaskVersion(): string {
  const read = (name: string): string | null => {
    try {
      const status = readFileSync('/var/lib/dpkg/status', 'utf8')
      const block = status.split('\n\n').find((b) => b.startsWith(`Package: ${name}\n`))
      return block?.match(/^Version: (.+)$/m)?.[1] ?? null
    } catch {
      return null
    }
  }
  const flask = read('python3-flask')
  const gunicorn = read('gunicorn')
  return flask && gunicorn ? `${flask} (gunicorn ${gunicorn}, 1 sync worker)` : 'not installed'
}

/** True when Debian's Flask and gunicorn are there. */
export function flaskAvailable(): boolean {
  return existsSync(GUNICORN) && flaskVersion() !== 'not installed'
}

/** The scenarios bare node:http answers. */
const BASIC = new Set(['plaintext', 'json', 'param'])

/** True when `framework` takes part in `scenario`; else the reason it does not. */
export function takesPart(framework: Framework, scenario: Scenario): true | string {
  if (framework.command('', 0, scenario.tier) === null) {
    return scenario.tier === 'minimal' ? 'not in the minimal tier' : 'not in the full tier (the minimal tier\'s floor only)'
  }
  if (framework.id === 'node' && !BASIC.has(scenario.id)) return 'the bare server answers plaintext, JSON and the int parameter only'
  return framework.skip[scenario.id] ?? true
}

/**
 * The contenders of a scenario: each framework that takes part, and in the
 * minimal tier (when `logging` is on) each again with its logging on.
 */
export function contenders(scenario: Scenario, fws: readonly Framework[], logging: boolean): Contender[] {
  const out: Contender[] = []
  const part = fws.filter((f) => takesPart(f, scenario) === true)
  for (const f of part) out.push({ id: f.id, label: f.label, framework: f, tier: scenario.tier, logging: false })
  if (logging && scenario.tier === 'minimal') {
    for (const f of part) out.push({ id: logged(f.id), label: `${f.label} + log`, framework: f, tier: scenario.tier, logging: true })
  }
  return out
}

/** The load scenarios. */
export function scenarios(fx: Fixtures): Scenario[] {
  const plaintext: Expectation = { status: 200, check: (b) => (b.toString() === HELLO ? null : `body ${b.toString().slice(0, 60)}`) }
  return [
    // the minimal tier
    { id: 'plaintext', tier: 'minimal', title: 'plaintext', method: 'GET', paths: ['/plaintext'], expect: plaintext },
    { id: 'json', tier: 'minimal', title: 'JSON', method: 'GET', paths: ['/json'], expect: { status: 200, check: jsonEquals({ message: HELLO }) } },
    { id: 'param', tier: 'minimal', title: 'int parameter', method: 'GET', paths: ['/users/12345'], expect: { status: 200, check: jsonEquals({ id: 12345 }) } },
    {
      id: 'routes100',
      tier: 'minimal',
      title: '100-route table',
      method: 'GET',
      paths: GITHUB_PATHS,
      expect: { status: 200, check: (b) => (b.length > 1 && b[0] === 0x7b ? null : `body ${b.toString().slice(0, 60)}`) },
    },
    // the full tier
    { id: 'full-plaintext', tier: 'full', title: 'plaintext, in the full app', method: 'GET', paths: ['/plaintext'], expect: plaintext },
    {
      id: 'fortunes',
      tier: 'full',
      title: 'Fortunes (template, 100 escaped rows)',
      method: 'GET',
      paths: ['/fortunes'],
      expect: {
        status: 200,
        check: (b) => {
          const html = b.toString('utf8')
          const rows = html.split('<tr><td>').length - 1
          if (rows !== 100) return `${rows} rows instead of 100`
          if (html.includes('<script>')) return 'a <script> tag was not escaped'
          return html.includes('&lt;script&gt;') ? null : 'no escaped &lt;script&gt;'
        },
      },
    },
    {
      id: 'session',
      tier: 'full',
      title: 'session read + write',
      method: 'GET',
      paths: ['/session'],
      prepare: 'session-cookie',
      expect: {
        status: 200,
        check: (b, h) => {
          if (h['set-cookie'] === undefined) return 'no Set-Cookie'
          const n = (JSON.parse(b.toString()) as { n?: unknown }).n
          return typeof n === 'number' && n >= 2 ? null : `n is ${String(n)}, expected ≥ 2 (the cookie was not read)`
        },
      },
    },
    {
      id: 'json-post',
      tier: 'full',
      title: '1 MB JSON POST',
      method: 'POST',
      paths: ['/json-post'],
      bodyFile: fx.jsonBody,
      contentType: 'application/json',
      connections: 8,
      minSeconds: 2,
      noiseCheck: false,
      expect: { status: 200, check: jsonEquals({ count: fx.jsonItems }) },
    },
    {
      id: 'upload',
      tier: 'full',
      title: '10 MB multipart upload',
      method: 'POST',
      paths: ['/upload'],
      bodyFile: fx.uploadBody,
      contentType: fx.uploadContentType,
      connections: 8,
      minSeconds: 2,
      noiseCheck: false,
      expect: { status: 200, check: jsonEquals({ size: fx.uploadSize }) },
    },
    {
      id: 'static-304',
      tier: 'full',
      title: 'static file, 304',
      method: 'GET',
      paths: ['/static/small.css'],
      prepare: 'conditional',
      expect: { status: 304 },
    },
    {
      id: 'static-1mb',
      tier: 'full',
      title: 'static file, 1 MB',
      method: 'GET',
      paths: ['/static/big.bin'],
      noiseCheck: false,
      expect: { status: 200, check: (b) => (b.length === 1024 * 1024 ? null : `${b.length} bytes instead of 1 MiB`) },
    },
    {
      id: 'hooks',
      tier: 'full',
      title: '5 before-request hooks',
      method: 'GET',
      paths: ['/hooks/'],
      expect: { status: 200, check: jsonEquals({ hooks: 5 }) },
    },
  ]
}
