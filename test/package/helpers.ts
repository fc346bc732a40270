/**
 * Shared steps of the packaging tests: run a command as a new user would (clean
 * environment, no trace of this repository on PATH), pack the packages once per
 * vitest run, install the phial tarball into a fresh project outside the repository.
 *
 * The packing and the installs are slow, and several test files need them: the first
 * file to ask does the work under a lock folder, the others wait for its result.
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root folder. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const repoManifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string
  exports: Record<string, unknown>
  devDependencies: Record<string, string>
}
/** The version in package.json (the tarballs are named after it). */
export const VERSION = repoManifest.version

/** What a finished command gave. */
export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * The environment of a user's shell: this repository's node_modules/.bin and
 * npm's per-script variables left out, the current Node first on PATH.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = [
    ...['HOME', 'USER', 'LANG', 'TERM', 'TMPDIR', 'XDG_CACHE_HOME', 'CI', 'PHIAL_REQUIRE_SERVICES'],
    // what reaches the registry: a proxy and its CA (Node's official binaries do not read the system store)
    ...['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'],
    ...['cache', 'registry', 'nodedir', 'cafile', 'ca', 'strict_ssl', 'proxy', 'https_proxy', 'noproxy'].map((key) => `npm_config_${key}`),
  ]
  const env: NodeJS.ProcessEnv = {}
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key]
  const path = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => entry && !entry.includes(`node_modules${'/'}.bin`) && !entry.startsWith(REPO))
  env.PATH = [dirname(process.execPath), ...path].join(delimiter)
  env.NO_COLOR = '1'
  return { ...env, ...extra }
}

/** Runs a command to its end (bounded by `timeoutMs`) and collects its output. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? userEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr })
    })
  })
}

/** {@link run}, throwing with the whole output unless the command exits 0. */
export async function runOk(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  const result = await run(command, args, options)
  if (result.code !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` in ${options.cwd} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`)
  }
  return result
}

/** npm's own CLI, run by the current Node (so the Node 24 CI run uses Node 24 throughout). */
export function npm(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return runOk('npm', args, options)
}

/** Where this vitest run keeps its tarballs and projects: one folder per run (keyed by the vitest process). */
function runFolder(): string {
  let started = ''
  try {
    started = readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(' ')[21] ?? ''
  } catch {
    started = String(Math.floor(Date.now() / 3_600_000)) // not Linux: one folder per hour
  }
  const folder = join(tmpdir(), `phial-package-test-${process.ppid}-${started}`)
  mkdirSync(folder, { recursive: true })
  return folder
}

/** Removes the folders of earlier runs (older than two hours). */
function sweepOldRuns(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('phial-package-test-')) continue
    const path = join(tmpdir(), name)
    try {
      if (Date.now() - statSync(path).mtimeMs > 2 * 3_600_000) rmSync(path, { recursive: true, force: true })
    } catch {
      // another run is sweeping it
    }
  }
}

/**
 * Runs `work` once per vitest run across all test files: the first caller takes
 * a lock folder and writes the result as JSON, the others wait for it.
 */
async function oncePerRun<T>(name: string, work: (folder: string) => Promise<T>, waitMs = 600_000): Promise<T> {
  const folder = runFolder()
  const result = join(folder, `${name}.json`)
  const failure = join(folder, `${name}.error`)
  try {
    mkdirSync(join(folder, `${name}.lock`))
  } catch {
    const deadline = Date.now() + waitMs
    while (Date.now() < deadline) {
      if (existsSync(result)) return JSON.parse(readFileSync(result, 'utf8')) as T
      if (existsSync(failure)) throw new Error(`${name} failed in another test file:\n${readFileSync(failure, 'utf8')}`)
      await new Promise((r) => setTimeout(r, 250))
    }
    throw new Error(`waited ${waitMs / 1000} s for ${name} in another test file`)
  }
  try {
    const value = await work(folder)
    writeFileSync(result, JSON.stringify(value))
    return value
  } catch (err) {
    writeFileSync(failure, err instanceof Error ? (err.stack ?? err.message) : String(err))
    throw err
  }
}

/** The packed tarballs and what `npm pack` said about the phial one. */
export interface Tarballs {
  folder: string
  phial: string
  createPhial: string
  /** `npm pack --json`'s file list of the phial tarball. */
  files: string[]
}

/**
 * Packs phial and create-phial once per run. Phial is packed from a copy of the
 * working tree in a temporary folder, so that its prepack build (dist/) and the
 * publish manifest never touch the shared checkout.
 */
export function packedTarballs(): Promise<Tarballs> {
  return oncePerRun('tarballs', async (folder) => {
    sweepOldRuns()
    const stage = join(folder, 'phial-stage')
    rmSync(stage, { recursive: true, force: true })
    mkdirSync(stage)
    for (const entry of ['src', 'bin', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
      cpSync(join(REPO, entry), join(stage, entry), { recursive: true })
    }
    symlinkSync(join(REPO, 'node_modules'), join(stage, 'node_modules')) // TypeScript for the build
    const env = userEnv()
    const packed = await npm(['pack', '--json', '--pack-destination', folder], { cwd: stage, env, timeoutMs: 400_000 })
    const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>
    await npm(['pack', '--pack-destination', folder, join(REPO, 'packages/create-phial')], { cwd: folder, env })
    return {
      folder,
      phial: join(folder, info[0]!.filename),
      createPhial: join(folder, `create-phial-${VERSION}.tgz`),
      files: info[0]!.files.map((f) => f.path),
    }
  })
}

/** The tooling a new TypeScript user installs next to phial: the repository's own versions, so npm's cache has them. */
export function devToolSpecs(): string[] {
  const version = (name: string): string => (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  return ['typescript', 'vitest', '@types/node'].map((name) => `${name}@${version(name)}`)
}

/** The flags every install uses: the npm cache first, quiet. */
export const INSTALL_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']

/** An empty `"type": "module"` project outside the repository with the phial tarball and the dev tools installed. */
export interface ConsumerProject {
  dir: string
  installOutput: string
}

/** Installs the phial tarball into a fresh project once per run. */
export function consumerProject(): Promise<ConsumerProject> {
  return oncePerRun('consumer', async (folder) => {
    const { phial } = await packedTarballs()
    const dir = join(folder, 'consumer')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir)
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2) + '\n')
    const installed = await npm(['install', phial, ...devToolSpecs(), ...INSTALL_FLAGS], { cwd: dir, timeoutMs: 400_000 })
    cpSync(join(REPO, 'test/package/fixtures/consumer'), dir, { recursive: true })
    return { dir, installOutput: installed.stdout + installed.stderr }
  })
}

/** The real extension folders under src/ext (each must be a published subpath). */
export function extensionNames(): string[] {
  const ext = join(REPO, 'src/ext')
  return readdirSync(ext).filter((name) => existsSync(join(ext, name, 'index.ts')))
}

/** Every subpath the package exports: the explicit ones and one per extension for the `./*` pattern. */
export function exportedSubpaths(): string[] {
  const explicit = Object.keys(repoManifest.exports).filter((key) => !key.includes('*') && key !== './package.json')
  const all = new Set([...explicit, ...extensionNames().map((name) => `./${name}`)])
  return [...all].map((key) => (key === '.' ? 'phial' : `phial/${key.slice(2)}`))
}

/** A folder under the user's cache for big downloads that outlive a run (the Bun and Deno binaries). */
export function cacheFolder(name: string): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache')
  const folder = join(base, 'phial-tests', name)
  mkdirSync(folder, { recursive: true })
  return folder
}
