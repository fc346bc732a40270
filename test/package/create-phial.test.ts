/**
 * Issue 9, item 3: `npm create phial@latest my-app` (here `npm exec` of the packed
 * create-phial tarball, which is what `npm create phial` runs) writes a project
 * that installs from the packed phial tarball, passes its own tests and type check,
 * and serves its page under `npm start` and `npm run dev`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { INSTALL_FLAGS, npm, packedTarballs, run, runOk, userEnv, type Tarballs } from './helpers.ts'

const SLOW = 600_000

let tarballs: Tarballs
let workspace: string

beforeAll(async () => {
  tarballs = await packedTarballs()
  workspace = join(tarballs.folder, 'generated')
  rmSync(workspace, { recursive: true, force: true })
  mkdirSync(workspace)
}, SLOW)

/** `npm create phial my-app -- ...args`, from the packed create-phial. */
function createPhial(args: string[]) {
  return run('npm', ['exec', '--yes', `--package=${tarballs.createPhial}`, '--', 'create-phial', ...args], { cwd: workspace, timeoutMs: 120_000 })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Starts `npm <args>` in its own process group and waits until `url` answers. */
async function serve(dir: string, args: string[], url: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn('npm', args, { cwd: dir, env: userEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d))
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      await fetch(url)
      return { child, output: () => output }
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        stop(child)
        throw new Error(`\`npm ${args.join(' ')}\` did not answer at ${url}:\n${output}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

/** Stops the whole process group (npm, sh, phial and its workers). */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    process.kill(-child.pid, 'SIGTERM')
  } catch {
    return Promise.resolve()
  }
  const force = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // gone
    }
  }, 5_000)
  return exited.finally(() => clearTimeout(force))
}

describe('create-phial', { timeout: 420_000 }, () => {
  it('refuses an unknown template (usage error, exit 2) and a folder that is not empty (exit 1)', async () => {
    const unknown = await createPhial(['x', '--template', 'nope'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown template 'nope'; choose one of: minimal, api")
    mkdirSync(join(workspace, 'taken'))
    writeFileSync(join(workspace, 'taken', 'notes.txt'), 'mine')
    const taken = await createPhial(['taken'])
    expect(taken.code).toBe(1)
    expect(taken.stderr).toContain('is not empty')
    expect(readFileSync(join(workspace, 'taken', 'notes.txt'), 'utf8')).toBe('mine')
  })

  it('minimal: generates, installs from the packed tarballs, passes its tests and type check, serves its page', async () => {
    const created = await createPhial(['my-app', '--phial', `file:${tarballs.phial}`])
    expect(created.code, created.stderr).toBe(0)
    expect(created.stdout).toContain('Created a Phial app (template: minimal)')
    const dir = join(workspace, 'my-app')
    for (const file of ['src/app.ts', 'src/pages.ts', 'src/templates/base.html', 'src/templates/index.html', 'src/static/style.css', 'test/app.test.ts', '.gitignore', 'tsconfig.json']) {
      expect(created.stdout, file).toContain(file)
    }
    const env = readFileSync(join(dir, '.env'), 'utf8')
    expect(env).toMatch(/^PHIAL_SECRET_KEY=[0-9a-f]{64}$/m)
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> }
    expect(manifest.scripts).toMatchObject({ dev: 'phial run --debug', start: 'phial serve', test: 'vitest run' })

    await npm(['install', ...INSTALL_FLAGS], { cwd: dir, timeoutMs: 240_000 })
    const tests = await runOk('npm', ['test'], { cwd: dir, timeoutMs: 120_000 })
    expect(tests.stdout).toMatch(/Tests\s+4 passed/)
    await runOk('npm', ['run', 'typecheck'], { cwd: dir, timeoutMs: 120_000 })

    const port = await freePort()
    const started = await serve(dir, ['start', '--', '--port', String(port), '--workers', '1'], `http://127.0.0.1:${port}/`)
    try {
      const page = await fetch(`http://127.0.0.1:${port}/`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<h1>Welcome to my-app</h1>')
      const css = await fetch(`http://127.0.0.1:${port}/static/style.css`)
      expect(css.headers.get('content-type')).toContain('text/css')
      // the .env key is the one that signs: a form post without a token is refused, not a crash
      expect((await fetch(`http://127.0.0.1:${port}/hello`, { method: 'POST', body: new URLSearchParams({ name: 'x' }) })).status).toBe(400)
    } finally {
      await stop(started.child)
    }
    expect(started.output()).toContain('Listening at')

    const devPort = await freePort()
    const dev = await serve(dir, ['run', 'dev', '--', '--port', String(devPort)], `http://127.0.0.1:${devPort}/`)
    try {
      expect(await (await fetch(`http://127.0.0.1:${devPort}/`)).text()).toContain('Welcome to my-app')
    } finally {
      await stop(dev.child)
    }
    expect(dev.output()).toContain('Debug mode: on')
  })

  it('api: generates, installs, passes its tests (the JSON API included) and type check', async () => {
    const created = await createPhial(['my-api', '--template', 'api', '--phial', `file:${tarballs.phial}`])
    expect(created.code, created.stderr).toBe(0)
    const dir = join(workspace, 'my-api')
    expect(created.stdout).toContain('src/api.ts')
    // two projects, two keys
    expect(readFileSync(join(dir, '.env'), 'utf8')).not.toBe(readFileSync(join(workspace, 'my-app', '.env'), 'utf8'))
    await npm(['install', ...INSTALL_FLAGS], { cwd: dir, timeoutMs: 240_000 })
    const tests = await runOk('npm', ['test'], { cwd: dir, timeoutMs: 120_000 })
    expect(tests.stdout).toMatch(/Tests\s+6 passed/)
    await runOk('npm', ['run', 'typecheck'], { cwd: dir, timeoutMs: 120_000 })
  })
})
