/**
 * Issue 9, item 1 and 2: phial as a new user gets it. The package is packed (its
 * prepack build), the tarball installed into a fresh project outside this
 * repository, and there a JavaScript and a TypeScript app import `phial` and
 * `phial/csrf`, `tsc` type-checks every export, `npx phial routes` runs the CLI,
 * and a vitest file drives the test client.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, exportedSubpaths, packedTarballs, run, runOk, REPO, VERSION, type ConsumerProject, type Tarballs } from './helpers.ts'

const SLOW = 600_000

let tarballs: Tarballs
let project: ConsumerProject

beforeAll(async () => {
  tarballs = await packedTarballs()
  project = await consumerProject()
}, SLOW)

const npx = (args: string[], timeoutMs = 60_000) => runOk('npx', ['--no', '--', ...args], { cwd: project.dir, timeoutMs })

/** The distribution file a subpath's import lands on (`phial/csrf` → dist/ext/csrf/index). */
function distFile(subpath: string): string {
  if (subpath === 'phial') return 'dist/index'
  if (subpath === 'phial/signing') return 'dist/signing/index'
  return `dist/ext/${subpath.slice('phial/'.length)}/index`
}

describe('the tarball', { timeout: 60_000 }, () => {
  it('carries the compiled ESM with types and source maps for every export, the bin and the docs, not the sources', () => {
    const files = new Set(tarballs.files)
    for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/phial.mjs', 'dist/cli/main.js']) expect(files, file).toContain(file)
    for (const subpath of exportedSubpaths()) {
      for (const ending of ['.js', '.d.ts', '.js.map']) expect(files, `${subpath} needs ${distFile(subpath)}${ending}`).toContain(distFile(subpath) + ending)
    }
    expect([...files].filter((f) => f.startsWith('src/') || f.startsWith('test/') || f === 'bin/build-package.mjs')).toEqual([])
  })

  it('publishes a manifest without the repository-only source conditions and scripts', () => {
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarballs.phial, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>
    expect(JSON.stringify(manifest.exports)).not.toContain('source')
    expect(manifest.scripts).toBeUndefined()
    expect(manifest.bin).toEqual({ phial: './bin/phial.mjs' })
    expect((manifest.dependencies as Record<string, string>).tsx).toBeDefined() // `.ts` apps under `npx phial`
    // the packed folder's own manifest is whole again (postpack restored it)
    const stage = join(tarballs.folder, 'phial-stage')
    expect(readFileSync(join(stage, 'package.json'), 'utf8')).toContain('"source"')
    expect(existsSync(join(stage, 'package.json.orig'))).toBe(false)
  })

  it('source maps carry their sources (src/ is not shipped)', () => {
    // the bundle's map (bin/bundle-package.mjs) leads through tsc's to every module of src/ it holds
    const text = execFileSync('tar', ['-xzOf', tarballs.phial, 'package/dist/index.js.map'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    const map = JSON.parse(text) as { sources: string[]; sourcesContent?: string[] }
    expect(map.sources).toContain('../src/app.ts')
    expect(map.sources.every((s) => s.startsWith('../src/') && s.endsWith('.ts'))).toBe(true)
    expect(map.sourcesContent?.length).toBe(map.sources.length)
    expect(map.sourcesContent?.[map.sources.indexOf('../src/app.ts')]).toContain('export class Phial')
  })
})

describe('installed in a fresh project', { timeout: 240_000 }, () => {
  it('lives outside this repository, with no way back to its node_modules', () => {
    expect(project.dir.startsWith(REPO)).toBe(false)
    const resolved = execFileSync(process.execPath, ['-e', 'console.log(require.resolve("typescript"))'], { cwd: project.dir, encoding: 'utf8' })
    expect(resolved.startsWith(project.dir)).toBe(true)
  })

  it('runs a JavaScript app with plain node: routing, escaping, phial/csrf, a session, app.fetch', async () => {
    const out = await runOk(process.execPath, ['app.mjs', 'check'], { cwd: project.dir })
    expect(JSON.parse(out.stdout)).toEqual({
      escaped: [200, '<p>Hello &lt;b&gt;x&lt;/b&gt;!</p>'],
      refused: 400,
      accepted: [200, '<p>Hello Ada!</p>'],
      fetched: [200, '<p>Hello fetch!</p>'],
    })
  })

  it('runs a TypeScript app with the tsx that comes with phial', async () => {
    const out = await npx(['tsx', 'app.ts', 'check'])
    expect(JSON.parse(out.stdout)).toEqual({
      user: { id: 7, tab: 'likes' },
      visits: { visits: 2 },
      refused: [400, { error: 'The CSRF token is missing.' }],
    })
  })

  it('type-checks the TypeScript app and an import of every export with tsc', async () => {
    const subpaths = exportedSubpaths()
    const lines = subpaths.map((s, i) => `import * as m${i} from '${s}'`)
    lines.push(`export const modules = [${subpaths.map((_, i) => `m${i}`).join(', ')}]`)
    writeFileSync(join(project.dir, 'exports-check.ts'), lines.join('\n') + '\n')
    const result = await run('npx', ['--no', '--', 'tsc', '-p', '.'], { cwd: project.dir, timeoutMs: 120_000 })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.code).toBe(0)
  }, 150_000)

  it('the type check is real: an export that does not exist is an error', async () => {
    writeFileSync(join(project.dir, 'broken.mts'), `import { nothingHere } from 'phial'\nimport * as nope from 'phial/does-not-exist'\nexport const x: number = nothingHere\nexport const y = nope\n`)
    const result = await run('npx', ['--no', '--', 'tsc', '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--types', 'node', 'broken.mts'], { cwd: project.dir, timeoutMs: 120_000 })
    expect(result.code).not.toBe(0)
    expect(result.stdout).toMatch(/TS2305[^\n]*nothingHere/)
    expect(result.stdout).toMatch(/TS2307[^\n]*phial\/does-not-exist/)
  }, 150_000)

  it('imports every export at run time (a missing optional peer is the only accepted failure)', async () => {
    const peers = Object.keys((JSON.parse(readFileSync(join(project.dir, 'node_modules/phial/package.json'), 'utf8')) as { peerDependencies?: Record<string, string> }).peerDependencies ?? {})
    const script = `
      const out = {}
      for (const s of ${JSON.stringify(exportedSubpaths())}) {
        try { out[s] = Object.keys(await import(s)).length }
        catch (e) { out[s] = e.code === 'ERR_MODULE_NOT_FOUND' && ${JSON.stringify(peers)}.some((p) => e.message.includes("'" + p + "'")) ? 'peer' : String(e) }
      }
      console.log(JSON.stringify(out))`
    writeFileSync(join(project.dir, 'exports-check.mjs'), script)
    const out = JSON.parse((await runOk(process.execPath, ['exports-check.mjs'], { cwd: project.dir })).stdout) as Record<string, number | string>
    for (const [subpath, value] of Object.entries(out)) {
      expect(value === 'peer' || (typeof value === 'number' && value > 0), `${subpath}: ${value}`).toBe(true)
    }
    expect(out.phial).toBeGreaterThan(50)
    expect(out['phial/csrf']).toBeGreaterThan(3)
  })

  it('is bundled with its public names, and importing it loads no undici (node:http is required)', async () => {
    const script = `
      const phial = await import('phial')
      const signing = await import('phial/signing')
      const names = { abort: phial.abort.name, redirect: phial.redirect.name, Config: phial.Config.name, Phial: phial.Phial.name, Signer: signing.Signer.name }
      console.log(JSON.stringify({ names, undici: process.moduleLoadList.filter((m) => m.includes('undici')) }))`
    writeFileSync(join(project.dir, 'bundle-check.mjs'), script)
    const out = JSON.parse((await runOk(process.execPath, ['bundle-check.mjs'], { cwd: project.dir })).stdout) as { names: Record<string, string>; undici: string[] }
    expect(out.names).toEqual({ abort: 'abort', redirect: 'redirect', Config: 'Config', Phial: 'Phial', Signer: 'Signer' })
    expect(out.undici).toEqual([])
    expect(readdirSync(join(project.dir, 'node_modules/phial/dist/chunks')).some((f) => f.endsWith('.js'))).toBe(true)
  })

  it('has a working `phial` bin for JavaScript and TypeScript apps', async () => {
    expect((await npx(['phial', '--version'])).stdout.trim()).toContain(VERSION)
    const js = await npx(['phial', '--app', 'app.mjs', 'routes'])
    expect(js.stdout).toMatch(/setName\s+POST\s+\/name/)
    const ts = await npx(['phial', '--app', 'app.ts', 'routes'])
    expect(ts.stdout).toMatch(/user\s+GET\s+\/user\/<int:id>/)
  })

  it('runs a vitest file that uses app.testClient()', async () => {
    const result = await run('npx', ['--no', '--', 'vitest', 'run', 'app.spec.ts'], { cwd: project.dir, timeoutMs: 120_000 })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toMatch(/Tests\s+3 passed/)
  }, 150_000)
})
