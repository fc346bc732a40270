/**
 * The view behind `/static/<path:filename>` for the app and each blueprint.
 */
import type { Scaffold } from './scaffold.ts'
import { currentContext } from './context.ts'
import { NotFound } from './http/exceptions.ts'
import { sendFromDirectory } from './static/send-from-directory.ts'
import type { View } from './types.ts'

/**
 * The static-file view of a scaffold: serves `filename` from its static
 * folder with `SEND_FILE_MAX_AGE_DEFAULT` caching.
 *
 * @example
 * ```ts
 * app.addUrlRule('/assets/<path:filename>', 'assets', makeStaticView(app))
 * ```
 */
export function makeStaticView(scaffold: Scaffold): View<never> {
  const view = function sendStaticFile({ filename }: { filename: string }) {
    const folder = scaffold.staticFolder
    if (folder === null) throw new NotFound()
    const app = currentContext().app
    return sendFromDirectory(folder, filename, { maxAge: app.config.SEND_FILE_MAX_AGE_DEFAULT })
  }
  return view as View<never>
}
