/**
 * The bundling step of bin/build-package.mjs (not shipped). Node loads an ES
 * module graph file by file — resolve, read, compile, link — so importing
 * tsc's output (144 files for `import 'phial'`) cost about twice the CPU of
 * one bundle per entry point: 166–199 ms → 86–95 ms on Node 24 (see
 * CHANGELOG). esbuild bundles dist/'s JavaScript per entry point with shared
 * chunks (dist/chunks/: one copy of every module, so `phial`, `phial/signing`
 * and the CLI share their classes; the extensions import `phial` by name, as
 * before), dependencies left as imports, source maps that still lead to
 * src/. The .d.ts files stay per module.
 *
 * Names: a bundle turns a top-level class that names itself into
 * `var X = class _X` and gives a suffix to a name two modules share
 * (`redirect2`); esbuild's keepNames puts them back with a `__name()` call
 * where each function is made. That call is an `Object.defineProperty`
 * (~1 µs): fine once per module, not for the closures a function makes on
 * every call (a request body's listeners). Those inner names are never
 * changed by bundling, so {@link stripInnerNames} removes the calls inside
 * functions, writing spaces over them so that the source maps stay exact.
 * bin/check-export-names.mjs then compares every export's `name` with tsc's.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'

/** dist/'s entry points: every `exports` target (the `./*` pattern expanded) and the CLI's. */
function entryPoints(root) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const entries = ['dist/cli/main.js']
  for (const target of Object.values(manifest.exports)) {
    const file = typeof target === 'string' ? target : target.default
    if (typeof file !== 'string' || !file.endsWith('.js')) continue
    if (!file.includes('*')) entries.push(file.slice(2))
    else {
      const [before, after] = file.slice(2).split('*')
      for (const name of readdirSync(join(root, before))) if (existsSync(join(root, before + name + after))) entries.push(before + name + after)
    }
  }
  return entries
}

/** Every file under `folder`. */
function walk(folder) {
  return readdirSync(folder, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name))
}

/** `text` with the characters of `[start, end)` turned into spaces (line breaks kept). */
function blank(text, start, end) {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end)
}

/**
 * Removes the `__name()` calls that run on every call of a function (those
 * inside a function body); keeps the top-level ones and those in class
 * static blocks, which run once.
 */
function stripInnerNames(ts, text) {
  const source = ts.createSourceFile('chunk.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)
  const edits = []
  const visit = (node, inFunction) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === '__name' && inFunction) {
      const [target] = node.arguments
      if (ts.isExpressionStatement(node.parent)) edits.push([node.parent.getStart(source), node.parent.end])
      else {
        edits.push([node.getStart(source), target.getStart(source)])
        edits.push([target.end, node.end])
      }
    }
    const entering = ts.isFunctionLike(node) ? true : ts.isClassStaticBlockDeclaration(node) ? false : inFunction
    ts.forEachChild(node, (child) => visit(child, entering))
  }
  visit(source, false)
  for (const [start, end] of edits.sort((a, b) => b[0] - a[0])) text = blank(text, start, end)
  return text
}

/**
 * Bundles `<root>/dist` in place (after tsc wrote it). Exits the process
 * with a message when the bundle would rename an export.
 */
export async function bundlePackage(root) {
  const require = createRequire(join(root, 'package.json'))
  const { build } = await import(pathToFileURL(require.resolve('esbuild')).href)
  const ts = require('typescript')
  const dist = join(root, 'dist')
  const staging = join(root, 'dist.bundle')
  rmSync(staging, { recursive: true, force: true })
  const entries = entryPoints(root)
  await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: staging,
    outbase: 'dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    keepNames: true,
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  })
  for (const file of walk(staging)) if (file.endsWith('.js')) writeFileSync(file, stripInnerNames(ts, readFileSync(file, 'utf8')))
  const check = spawnSync(process.execPath, [join(root, 'bin', 'check-export-names.mjs'), dist, staging, ...entries], { cwd: root, encoding: 'utf8' })
  if (check.status !== 0) {
    process.stderr.write(`The bundle changes public names (nothing was replaced in dist/):\n${check.stdout}${check.stderr}`)
    process.exit(1)
  }
  for (const file of walk(dist)) if (file.endsWith('.js') || file.endsWith('.js.map')) rmSync(file)
  for (const file of walk(staging)) {
    const to = join(dist, relative(staging, file))
    mkdirSync(dirname(to), { recursive: true })
    renameSync(file, to)
  }
  rmSync(staging, { recursive: true, force: true })
}
