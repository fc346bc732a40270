/**
 * The frameworks and the scenarios of the suite: what each server is started
 * with, what each scenario sends, and what a right answer looks like.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { GITHUB_PATHS, HELLO } from '../servers/shared.ts'
import type { Fixtures } from './fixtures.ts'

/** A framework under test. */
export interface Framework {
  readonly id: string
  readonly label: string
  /** Version, read from the installed package. */
  readonly version: string
  /** The command (before pinning) that serves on `port` (also given as `PORT`). */
  command(build: string, port: number): string[]
  /** The command of the in-process (test client) scenario, or null when there is no test client. */
  inProcess: ((build: string) => string[]) | null
  /** Scenarios this framework cannot run here, with the reason. */
  readonly skip: Readonly<Record<string, string>>
  /** How its server is written (plugins, choices that matter for the numbers). */
  readonly notes: string
}

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

/** Every framework, in the order each round runs them. */
export function frameworks(): Framework[] {
  const noSessionExpress = 'express-session is not installed (no npm install here)'
  return [
    {
      id: 'phial',
      label: 'Phial',
      version: (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
      command: node('phial'),
      inProcess: node('phial'),
      skip: {},
      notes:
        'bench/servers/phial.ts, served by `app.run()` from the built JS (dist/). Defaults kept except `ACCESS_LOG = false` ' +
        '(the peers keep no access log: Fastify\'s logger is off by default, gunicorn logs no access by default); the ' +
        '`X-Request-ID` echo stays on. Signed-cookie session (itsdangerous format), `renderTemplate` (Nunjucks with ' +
        'Jinja semantics), the built-in static route (conditional requests), `request.files` (uploads above 512 KiB ' +
        'spooled to a temp file, like Werkzeug), hooks on a blueprint using `g`.',
    },
    {
      id: 'node',
      label: 'node:http',
      version: process.version,
      command: node('node'),
      inProcess: null,
      skip: {},
      notes: 'bench/servers/node.ts: one `createServer` callback answering plaintext, JSON and the int parameter by hand.',
    },
    {
      id: 'fastify',
      label: 'Fastify',
      version: pkgVersion('fastify'),
      command: node('fastify'),
      inProcess: node('fastify'),
      skip: {},
      notes:
        'bench/servers/fastify.ts: `logger: false` (the default); response schemas on the JSON routes and a params ' +
        'schema on the int route (Fastify\'s recommended fast path); @fastify/static, @fastify/view (Nunjucks), ' +
        '@fastify/secure-session (libsodium, pregenerated key), @fastify/multipart `saveRequestFiles()` (temp files, ' +
        'like Phial/Flask/koa-body); hooks as encapsulated `onRequest` hooks.',
    },
    {
      id: 'hono',
      label: 'Hono',
      version: `${pkgVersion('hono')} (@hono/node-server ${pkgVersion('@hono/node-server')})`,
      command: node('hono'),
      inProcess: node('hono'),
      skip: {},
      notes:
        'bench/servers/hono.ts on @hono/node-server: `c.text`/`c.json`, a regex param `{[0-9]+}`, Nunjucks called ' +
        'directly (Hono has no view plugin), the session as a signed cookie (hono/cookie), `parseBody()` (uploads ' +
        'held in memory), `serveStatic` plus the `etag` middleware (serveStatic alone never answers 304), hooks as ' +
        '`app.use` middleware.',
    },
    {
      id: 'express',
      label: 'Express',
      version: pkgVersion('express'),
      command: node('express'),
      inProcess: null,
      skip: { session: noSessionExpress, upload: 'multer is not installed (no npm install here)' },
      notes:
        'bench/servers/express.ts: `res.json`/`res.type().send`, `express.json({ limit: \'2mb\' })`, ' +
        '`express.static`, Nunjucks\' Express integration, hooks as router middleware.',
    },
    {
      id: 'koa',
      label: 'Koa',
      version: `${pkgVersion('koa')} (@koa/router ${pkgVersion('@koa/router')}, koa-body ${pkgVersion('koa-body')})`,
      command: node('koa'),
      inProcess: null,
      skip: { 'static-304': 'koa-static is not installed', 'static-1mb': 'koa-static is not installed' },
      notes:
        'bench/servers/koa.ts: @koa/router, koa-body (JSON; multipart through formidable, temp files removed by the ' +
        'handler), Nunjucks called directly, the session as a signed cookie through Koa\'s own `ctx.cookies` ' +
        '(koa-session is not installed), hooks as router middleware.',
    },
    {
      id: 'flask',
      label: 'Flask/gunicorn',
      version: flaskVersion(),
      command: (_build, port) => [GUNICORN, '--workers', '1', '--worker-class', 'sync', '--bind', `127.0.0.1:${port}`, '--chdir', 'bench/servers', 'flask_app:app'],
      inProcess: () => [SYSTEM_PYTHON, 'bench/servers/flask_app.py', 'inprocess'],
      skip: {},
      notes:
        'bench/servers/flask_app.py with Debian\'s python3-flask under Debian\'s gunicorn, one sync worker ' +
        '(no keep-alive: a connection per request): `render_template` (Jinja2), the default session, ' +
        '`request.files`, the static folder, `before_request` on a blueprint using `g`.',
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

/** Frameworks that only answer the basic endpoints. */
const BASIC_ONLY = new Set(['node'])
const BASIC = new Set(['plaintext', 'json', 'param'])

/** True when `framework` takes part in `scenario`; else the reason it does not. */
export function takesPart(framework: Framework, scenario: Scenario): true | string {
  if (BASIC_ONLY.has(framework.id) && !BASIC.has(scenario.id)) return 'the bare server answers plaintext, JSON and the int parameter only'
  return framework.skip[scenario.id] ?? true
}

/** The load scenarios. */
export function scenarios(fx: Fixtures): Scenario[] {
  return [
    {
      id: 'plaintext',
      title: 'plaintext',
      method: 'GET',
      paths: ['/plaintext'],
      expect: { status: 200, check: (b) => (b.toString() === HELLO ? null : `body ${b.toString().slice(0, 60)}`) },
    },
    { id: 'json', title: 'JSON', method: 'GET', paths: ['/json'], expect: { status: 200, check: jsonEquals({ message: HELLO }) } },
    { id: 'param', title: 'int parameter', method: 'GET', paths: ['/users/12345'], expect: { status: 200, check: jsonEquals({ id: 12345 }) } },
    {
      id: 'routes100',
      title: '100-route table',
      method: 'GET',
      paths: GITHUB_PATHS,
      expect: { status: 200, check: (b) => (b.length > 1 && b[0] === 0x7b ? null : `body ${b.toString().slice(0, 60)}`) },
    },
    {
      id: 'fortunes',
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
      title: '1 MB JSON POST',
      method: 'POST',
      paths: ['/json-post'],
      bodyFile: fx.jsonBody,
      contentType: 'application/json',
      connections: 8,
      minSeconds: 3,
      noiseCheck: false,
      expect: { status: 200, check: jsonEquals({ count: fx.jsonItems }) },
    },
    {
      id: 'upload',
      title: '10 MB multipart upload',
      method: 'POST',
      paths: ['/upload'],
      bodyFile: fx.uploadBody,
      contentType: fx.uploadContentType,
      connections: 8,
      minSeconds: 3,
      noiseCheck: false,
      expect: { status: 200, check: jsonEquals({ size: fx.uploadSize }) },
    },
    {
      id: 'static-304',
      title: 'static file, 304',
      method: 'GET',
      paths: ['/static/small.css'],
      prepare: 'conditional',
      expect: { status: 304 },
    },
    {
      id: 'static-1mb',
      title: 'static file, 1 MB',
      method: 'GET',
      paths: ['/static/big.bin'],
      noiseCheck: false,
      expect: { status: 200, check: (b) => (b.length === 1024 * 1024 ? null : `${b.length} bytes instead of 1 MiB`) },
    },
    {
      id: 'hooks',
      title: '5 before-request hooks',
      method: 'GET',
      paths: ['/hooks/'],
      expect: { status: 200, check: jsonEquals({ hooks: 5 }) },
    },
  ]
}
