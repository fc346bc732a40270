/**
 * Which Phial an extension benchmark's servers import. Users run the compiled
 * package (dist/, what npm installs), so that is the default: it is built here
 * first by bin/build-package.mjs (tsc, then the bundle), as `npm run bench` does. `src` runs the sources through tsx
 * instead, whose esbuild transform wraps every function it creates in a
 * `__name()` call — a per-request cost of its own that the peers' compiled
 * JavaScript in node_modules never pays.
 */
import { spawnSync } from 'node:child_process'

/** `--phial=dist|src`. */
export type PhialBuild = 'dist' | 'src'

/**
 * Parses `--phial=`, builds dist/ when it is `dist`, and returns the Node
 * arguments that make `import 'phial'` load that build.
 *
 * @example
 * ```ts
 * const phialArgs = preparePhial(opt('phial', 'dist'), console.log) // [] or ['--conditions=source']
 * ```
 */
export function preparePhial(choice: string, say: (line: string) => void): string[] {
  if (choice === 'src') return ['--conditions=source']
  if (choice !== 'dist') throw new Error(`--phial=${choice}: give dist (the default) or src`)
  say('Building Phial into dist/ as it is packed (node bin/build-package.mjs build --noCheck)…')
  const r = spawnSync(process.execPath, ['bin/build-package.mjs', 'build', '--noCheck'], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`the build of Phial failed:\n${r.stdout}${r.stderr}`)
  return []
}
