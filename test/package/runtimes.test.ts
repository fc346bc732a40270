/**
 * Issue 9, item 6: `app.fetch` is Phial's WSGI. The installed package's example app
 * (fixtures/runtimes/app.mjs) served by Bun (`Bun.serve({ fetch: app.fetch })`) and
 * Deno (`Deno.serve(app.fetch)`): routing, escaping, a form post, a session round
 * trip and a streamed response, over real sockets.
 *
 * Both binaries come from the npm registry as plain packages without install
 * scripts (@oven/bun-<platform>, @deno/<platform>), installed once into
 * ~/.cache/phial-tests/, never as dependencies of phial.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cacheFolder, consumerProject, npm, REPO, userEnv, type ConsumerProject } from './helpers.ts'

const BUN_VERSION = '1.4.5'
const DENO_VERSION = '2.9.6'

/** The registry package carrying each binary, per platform, and where the binary sits in it. */
const PLATFORM_PACKAGES: Record<string, { bun: string; deno: string }> = {
  'linux-x64': { bun: '@oven/bun-linux-x64', deno: '@deno/linux-x64-glibc' },
  'linux-arm64': { bun: '@oven/bun-linux-aarch64', deno: '@deno/linux-arm64-glibc' },
  'darwin-x64': { bun: '@oven/bun-darwin-x64', deno: '@deno/darwin-x64' },
  'darwin-arm64': { bun: '@oven/bun-darwin-aarch64', deno: '@deno/darwin-arm64' },
}
const packages = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`]
const required = process.env.PHIAL_REQUIRE_SERVICES === '1'
if (!packages) {
  const why = `no Bun/Deno package on the npm registry for ${process.platform}-${process.arch}`
  if (required) throw new Error(why)
  console.warn(`Skipping the Bun and Deno smoke tests: ${why}.`)
}

let project: ConsumerProject
let binaries: { bun: string; deno: string }

/** Installs both binaries once per machine (about 200 MB, kept in the cache folder). */
async function installBinaries(): Promise<{ bun: string; deno: string }> {
  const folder = cacheFolder(`runtimes-bun${BUN_VERSION}-deno${DENO_VERSION}`)
  const bun = join(folder, 'node_modules', packages!.bun, 'bin', 'bun')
  const deno = join(folder, 'node_modules', packages!.deno, 'deno')
  if (!existsSync(bun) || !existsSync(deno)) {
    writeFileSync(join(folder, 'package.json'), '{ "private": true }\n')
    // --ignore-scripts: the binaries are the packages' own files; nothing is fetched at install time
    await npm(['install', '--no-save', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', `${packages!.bun}@${BUN_VERSION}`, `${packages!.deno}@${DENO_VERSION}`], { cwd: folder, timeoutMs: 240_000 })
  }
  return { bun, deno }
}

beforeAll(async () => {
  if (!packages) return
  ;[project, binaries] = await Promise.all([consumerProject(), installBinaries()])
  cpSync(join(REPO, 'test/package/fixtures/runtimes'), join(project.dir, 'runtimes'), { recursive: true })
}, 600_000)

interface Served {
  child: ChildProcess
  base: string
  output: () => string
}

/** Starts a server script and waits for its "listening on <port>" line. */
function start(command: string, args: string[]): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: join(project.dir, 'runtimes'),
      env: userEnv({ DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${command} did not start within 30 s:\n${output}`))
    }, 30_000)
    const onData = (d: string) => {
      output += d
      const match = /listening on (\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ child, base: `http://127.0.0.1:${match[1]}`, output: () => output })
      }
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${command} exited ${code} before listening:\n${output}`))
    })
  })
}

function stop(served: Served | undefined): Promise<void> {
  if (!served || served.child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    served.child.once('exit', () => resolve())
    served.child.kill('SIGKILL')
  })
}

/** The same checks for every runtime. */
function smoke(runtime: 'bun' | 'deno', launch: () => Promise<Served>): void {
  describe.skipIf(!packages)(`on ${runtime}`, { timeout: 60_000 }, () => {
    let served: Served | undefined
    beforeAll(async () => {
      served = await launch()
    }, 60_000)
    afterAll(() => stop(served))

    it('routes, with typed converters, urlFor and autoescape', async () => {
      const hello = await fetch(`${served!.base}/hello/%3Cb%3EAda%20%26%20co`)
      expect(hello.status).toBe(200)
      expect(hello.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(await hello.text()).toBe(`Hello &lt;b&gt;Ada &amp; co from ${runtime}!`)
      expect(await (await fetch(`${served!.base}/user/41`)).json()).toEqual({ id: 41, next: '/user/42' })
      expect((await fetch(`${served!.base}/user/abc`)).status).toBe(404)
      const wrongMethod = await fetch(`${served!.base}/form`)
      expect(wrongMethod.status).toBe(405)
      expect(wrongMethod.headers.get('allow')).toContain('POST')
    })

    it('parses a form post', async () => {
      const res = await fetch(`${served!.base}/form`, { method: 'POST', body: new URLSearchParams([['name', 'Grace'], ['tag', 'a'], ['tag', 'b']]) })
      expect(await res.json()).toEqual({ name: 'Grace', tags: ['a', 'b'] })
    })

    it('keeps a signed session cookie across requests, and refuses a forged one', async () => {
      const set = await fetch(`${served!.base}/session`, { method: 'POST', body: new URLSearchParams({ count: '7' }), redirect: 'manual' })
      expect(set.status).toBe(302)
      expect(set.headers.get('location')).toBe('/session')
      const cookie = (set.headers.get('set-cookie') ?? '').split(';')[0]!
      expect(cookie).toMatch(/^session=/)
      expect(await (await fetch(`${served!.base}/session`, { headers: { cookie } })).json()).toEqual({ count: 7 })
      const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))
      expect(await (await fetch(`${served!.base}/session`, { headers: { cookie: forged } })).json()).toEqual({ count: null })
    })

    it('streams a response as it is produced', async () => {
      const res = await fetch(`${served!.base}/stream`)
      expect(res.headers.get('content-length')).toBeNull()
      const reader = res.body!.getReader()
      const decoder = new TextDecoder()
      const chunks: string[] = []
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        chunks.push(decoder.decode(value))
      }
      expect(chunks.join('')).toBe('line 0\nline 1\nline 2\n')
      expect(chunks.length).toBeGreaterThan(1) // the lines came 50 ms apart, not buffered into one body
    })
  })
}

smoke('bun', () => start(binaries.bun, ['serve-bun.mjs']))
// The least Deno needs: the network, reading the app and node_modules, the environment
// (config), and the host name (pino's log lines carry it).
smoke('deno', () => start(binaries.deno, ['run', '--allow-net', '--allow-read', '--allow-env', '--allow-sys=hostname', 'serve-deno.mjs']))
