/**
 * Phial's `if __name__ == "__main__"`: whether a module is the program being
 * run, so that `app.run()` starts a server when you run the file directly
 * (`npx tsx app.ts`) and not when the `phial` command loads it.
 *
 * @module
 */
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The environment variable set while the `phial` command imports the app
 * (Flask's `FLASK_RUN_FROM_CLI`): `app.run()` is then ignored, and
 * {@link isMainModule} is false.
 */
export const RUN_FROM_CLI = 'PHIAL_RUN_FROM_CLI'

/** True while the `phial` command is importing the app. */
export function runFromCli(): boolean {
  return process.env[RUN_FROM_CLI] === 'true'
}

function real(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}

const EXTENSION = /\.[cm]?[jt]sx?$/

/**
 * True when the module of `importMetaUrl` is the program being run (`node
 * app.js`, `npx tsx app.ts`), false when it is imported — by another module
 * or by the `phial` command (`phial run`, `phial serve`, `phial routes`).
 * The counterpart of Python's `if __name__ == "__main__"`.
 *
 * @example
 * ```ts
 * const app = new Phial(import.meta.url)
 * app.get('/', function index() { return 'Hello' })
 * if (isMainModule(import.meta.url)) await app.run({ debug: true })
 * ```
 */
export function isMainModule(importMetaUrl: string): boolean {
  if (runFromCli()) return false
  const entry = process.argv[1]
  if (!entry || !importMetaUrl.startsWith('file:')) return false
  const self = real(fileURLToPath(importMetaUrl))
  const main = real(entry)
  return main === self || (!EXTENSION.test(main) && main === self.replace(EXTENSION, ''))
}
