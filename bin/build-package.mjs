#!/usr/bin/env node
/**
 * Builds the publishable package. Not shipped (`files` lists bin/phial.mjs only).
 *
 *   node bin/build-package.mjs build     clean dist/ and compile src/ into it (ESM, .d.ts, source maps
 *                                        with the sources inlined, since src/ is not shipped), then bundle
 *                                        the JavaScript per entry point (bin/bundle-package.mjs);
 *                                        --noCheck skips tsc's type check (the benchmarks' build)
 *   node bin/build-package.mjs prepack   build, then write package.json without the repository-only
 *                                        `source` export conditions (they point into src/, which the
 *                                        tarball leaves out) and without `scripts` (they serve this
 *                                        repository); the original waits in package.json.orig
 *   node bin/build-package.mjs postpack  put the original package.json back
 *   node bin/build-package.mjs prepare   npm runs `prepare` on every `npm ci` / `npm install` of this
 *                                        checkout too, where it does nothing: contributors run the
 *                                        sources, and a dist/ left behind would go stale. It builds only
 *                                        when npm packs this folder for someone else's install: a git
 *                                        dependency (pacote runs `prepare` only, never `prepack`) or
 *                                        `npm install --install-links <folder>`.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundlePackage } from './bundle-package.mjs'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const manifestPath = join(root, 'package.json')
const backupPath = join(root, 'package.json.orig')

async function build({ check = true } = {}) {
  rmSync(join(root, 'dist'), { recursive: true, force: true })
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--inlineSources', ...(check ? [] : ['--noCheck'])], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    process.stderr.write('The build failed (tsc -p tsconfig.build.json): nothing was packed.\n')
    process.exit(result.status ?? 1)
  }
  await bundlePackage(root)
}

/** A copy of `exports` without `source` conditions, at any depth. */
function withoutSource(node) {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node
  return Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'source').map(([key, value]) => [key, withoutSource(value)]))
}

function writePublishManifest({ keepBackup }) {
  const text = readFileSync(manifestPath, 'utf8')
  if (keepBackup) writeFileSync(backupPath, text)
  const manifest = JSON.parse(text)
  manifest.exports = withoutSource(manifest.exports)
  // The scripts serve this repository (and `prepare` would run bin/build-package.mjs, which is not shipped).
  delete manifest.scripts
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n')
}

function restoreManifest() {
  if (existsSync(backupPath)) renameSync(backupPath, manifestPath)
}

/** Whether this folder is npm's temporary clone of a git dependency (inside the npm cache). */
function insideNpmCache() {
  const cache = process.env.npm_config_cache
  if (!cache || !existsSync(cache)) return false
  return (realpathSync(root) + sep).startsWith(realpathSync(cache) + sep)
}

const mode = process.argv[2]
if (mode === 'build') {
  await build({ check: !process.argv.includes('--noCheck') })
} else if (mode === 'prepack') {
  restoreManifest() // a pack that died half-way left the original aside
  await build()
  writePublishManifest({ keepBackup: true })
} else if (mode === 'postpack') {
  restoreManifest()
} else if (mode === 'prepare') {
  const command = process.env.npm_command
  const packedForInstall = Boolean(process.env.npm_package_resolved) && command !== 'pack' && command !== 'publish'
  if (packedForInstall) {
    await build()
    // A throw-away clone can lose its `source` conditions for good; someone's own folder cannot.
    if (insideNpmCache()) writePublishManifest({ keepBackup: false })
  }
} else {
  process.stderr.write('usage: node bin/build-package.mjs build|prepack|postpack|prepare\n')
  process.exit(2)
}
