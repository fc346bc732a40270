/**
 * The view behind `/static/<path:filename>` for the app and each blueprint,
 * and the file sending under `Scaffold.sendStaticFile`.
 */
import type { Context } from '../core/context.ts'
import type { Scaffold } from '../core/scaffold.ts'
import type { Response } from '../http/response.ts'
import { currentContext } from '../core/context.ts'
import { sendFromDirectory } from './send-from-directory.ts'
import type { AnyView } from '../core/types.ts'

/**
 * The static-file view of a scaffold: calls the scaffold's
 * `sendStaticFile(filename)` (Flask's `send_static_file`), so an app or
 * blueprint that overrides it (or `getSendFileMaxAge`) serves its way. The
 * folder is read at request time, so changing `scaffold.staticFolder`
 * later takes effect.
 *
 * @example
 * ```ts
 * app.addUrlRule('/assets/<path:filename>', 'assets', makeStaticView(app))
 * ```
 */
export function makeStaticView(scaffold: Scaffold): AnyView {
  const view = function sendStaticFile({ filename }: { filename: string }, _ctx: Context) {
    return scaffold.sendStaticFile(filename)
  }
  return view as AnyView
}

/**
 * Serves `filename` from a static `folder` with {@link sendFromDirectory}:
 * traversal, dotfiles and symlinks out of the folder are refused (404;
 * `STATIC_ALLOW_DOTFILES` and `STATIC_FOLLOW_SYMLINKS` allow the last two),
 * with `maxAge` for `Cache-Control`. What `app.sendFromStaticFolder` does.
 *
 * @example
 * ```ts
 * await sendFromStaticFolder('/srv/app/static', 'style.css', 3600)
 * ```
 */
export function sendFromStaticFolder(folder: string, filename: string, maxAge: number | null): Promise<Response> {
  const config = currentContext().app.config
  return sendFromDirectory(folder, filename, {
    maxAge,
    dotfiles: config.STATIC_ALLOW_DOTFILES === true,
    followSymlinks: config.STATIC_FOLLOW_SYMLINKS === true,
  })
}
