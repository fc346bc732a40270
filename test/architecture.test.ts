/**
 * The layer table of docs/architecture.md, enforced. Every import in src/
 * (type imports included: they tie the picture together as much as runtime
 * ones) is read with TypeScript's own `ts.preProcessFile`, resolved to a
 * file, and held against the table:
 *
 * - a file may import its own folder, and any folder or file of the same or
 *   a lower layer, never one above (an "up-arrow");
 * - the folders and top-level files, taken as units, form no circle (a
 *   circle inside one folder is allowed: core/'s type knot is one);
 * - an extension (src/ext/<name>/) imports only its own folder and the
 *   public entries `phial`, `phial/signing`, `phial/<other>`;
 * - every folder and top-level file of src/ has a row in the table.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/** The table: each unit of src/ (a folder, or a file at the top) and its layer, lowest first. */
export const LAYERS: Readonly<Record<string, number>> = {
  // 0 base: no knowledge of the app
  routing: 0,
  http: 0,
  signing: 0,
  config: 0,
  json: 0,
  'signals.ts': 0,
  'security.ts': 0,
  'logging.ts': 0,
  // 1 core: the sans-IO app, blueprints, the context, types
  core: 1,
  // 2 dispatch: one request, from routing to teardown
  dispatch: 2,
  // 3 features the app offers on top
  sessions: 3,
  templating: 3,
  static: 3,
  // 4 edges: bytes in and out, tests, the command line
  server: 4,
  testing: 4,
  cli: 4,
  // 5 the face
  'app.ts': 5,
  'index.ts': 5,
  // 6 extensions: ext/<name>, through the public entries only
  ext: 6,
}

const PUBLIC_ENTRIES = /^phial(\/[\w-]+)?$/

/** One import: from a file to a file (both relative to src/), as the source spelled it. */
export interface ImportEdge {
  from: string
  to: string
  specifier: string
}

/** The unit of a file: `core`, `ext/login`, `app.ts`. */
export function unitOf(file: string): string {
  const parts = file.split('/')
  if (parts.length === 1) return parts[0]!
  return parts[0] === 'ext' ? `ext/${parts[1]}` : parts[0]!
}

function layerOf(unit: string): number | undefined {
  return LAYERS[unit.startsWith('ext/') ? 'ext' : unit]
}

/** Where a specifier points inside src/, or null for node: and packages. */
function resolveSpecifier(fromFile: string, specifier: string): string | null {
  if (specifier === 'phial') return 'index.ts'
  if (specifier === 'phial/signing') return 'signing/index.ts'
  const sub = /^phial\/([\w-]+)$/.exec(specifier)
  if (sub) return `ext/${sub[1]}/index.ts`
  if (!specifier.startsWith('.')) return null
  return join(dirname(fromFile), specifier).split(sep).join('/')
}

/** Every import of every .ts file under `root`, read with `ts.preProcessFile`. */
export function readImports(root: string): ImportEdge[] {
  const edges: ImportEdge[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith('.ts')) {
        const from = relative(root, path).split(sep).join('/')
        const info = ts.preProcessFile(readFileSync(path, 'utf8'), true, true)
        for (const ref of info.importedFiles) {
          const to = resolveSpecifier(from, ref.fileName)
          if (to !== null) edges.push({ from, to, specifier: ref.fileName })
        }
      }
    }
  }
  walk(root)
  return edges
}

/** What breaks the table, one line each (empty when the code follows it). */
export function checkLayers(edges: readonly ImportEdge[], units: readonly string[] = []): string[] {
  const problems: string[] = []
  for (const unit of units) if (layerOf(unit) === undefined) problems.push(`${unit} has no row in the layer table`)
  const graph = new Map<string, Set<string>>()
  for (const { from, to, specifier } of edges) {
    const a = unitOf(from)
    const b = unitOf(to)
    if (a.startsWith('ext/')) {
      if (b !== a && !PUBLIC_ENTRIES.test(specifier)) {
        problems.push(`${from} imports '${specifier}': an extension imports only its own folder and the public entries (phial, phial/<name>)`)
      }
    }
    if (a === b) continue
    const la = layerOf(a)
    const lb = layerOf(b)
    if (la === undefined || lb === undefined) {
      problems.push(`${from} -> ${to}: ${la === undefined ? a : b} has no row in the layer table`)
      continue
    }
    if (lb > la) problems.push(`${from} imports ${to}: layer ${la} (${a}) may not import layer ${lb} (${b})`)
    let out = graph.get(a)
    if (!out) graph.set(a, (out = new Set()))
    out.add(b)
  }
  for (const cycle of cyclesOf(graph)) problems.push(`circle across folders: ${cycle.join(' -> ')}`)
  return problems
}

/** The strongly connected components with more than one unit (Tarjan), each as a closed path. */
function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string): void => {
    indices.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!))
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1) found.push([...component.reverse(), component[0]!])
    }
  }
  for (const v of graph.keys()) if (!indices.has(v)) visit(v)
  return found
}

const SRC = resolve(fileURLToPath(new URL('../src/', import.meta.url)))

function unitsOf(root: string): string[] {
  const units: string[] = []
  for (const name of readdirSync(root)) {
    if (name === 'ext') {
      for (const ext of readdirSync(join(root, name))) units.push(`ext/${ext}`)
    } else if (statSync(join(root, name)).isDirectory() || name.endsWith('.ts')) units.push(name)
  }
  return units
}

describe('the layer table', () => {
  it('holds for src/: no import points up a layer, no circle across folders, extensions use the public entries', () => {
    const edges = readImports(SRC)
    expect(edges.length).toBeGreaterThan(300)
    expect(checkLayers(edges, unitsOf(SRC))).toEqual([])
  })

  it('no file below app.ts names Phial', () => {
    const below = readImports(SRC).filter((e) => e.to === 'app.ts' && e.from !== 'index.ts')
    expect(below.map((e) => e.from)).toEqual([])
  })

  it('catches an up-arrow, a circle across folders, an extension reaching inside, and a unit without a row', () => {
    const edges: ImportEdge[] = [
      { from: 'http/request.ts', to: 'app.ts', specifier: '../app.ts' },
      { from: 'core/context.ts', to: 'dispatch/run.ts', specifier: '../dispatch/run.ts' },
      { from: 'sessions/flash.ts', to: 'static/view.ts', specifier: '../static/view.ts' },
      { from: 'static/view.ts', to: 'templating/index.ts', specifier: '../templating/index.ts' },
      { from: 'templating/index.ts', to: 'sessions/flash.ts', specifier: '../sessions/flash.ts' },
      { from: 'ext/login/hooks.ts', to: 'core/context.ts', specifier: '../../core/context.ts' },
      { from: 'ext/login/hooks.ts', to: 'index.ts', specifier: 'phial' },
      { from: 'core/a.ts', to: 'core/b.ts', specifier: './b.ts' },
      { from: 'core/b.ts', to: 'core/a.ts', specifier: './a.ts' },
    ]
    const problems = checkLayers(edges, ['core', 'widgets'])
    expect(problems).toContain('widgets has no row in the layer table')
    expect(problems).toContain('http/request.ts imports app.ts: layer 0 (http) may not import layer 5 (app.ts)')
    expect(problems).toContain('core/context.ts imports dispatch/run.ts: layer 1 (core) may not import layer 2 (dispatch)')
    expect(problems.filter((p) => p.startsWith('circle across folders'))).toHaveLength(1)
    expect(problems.find((p) => p.startsWith('circle'))).toMatch(/sessions.*static.*templating|static.*templating.*sessions|templating.*sessions.*static/)
    expect(problems).toContain(
      "ext/login/hooks.ts imports '../../core/context.ts': an extension imports only its own folder and the public entries (phial, phial/<name>)",
    )
    // the circle inside core/ and the public import are fine
    expect(problems).toHaveLength(5)
  })
})
