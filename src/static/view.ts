/**
 * The view behind `/static/<path:filename>` for the app and each blueprint.
 */
import type { Context } from '../core/context.ts'
import type { Scaffold } from '../core/scaffold.ts'
import { NotFound } from '../http/exceptions.ts'
import { sendFromDirectory } from './send-from-directory.ts'
import type { AnyView } from '../core/types.ts'

/**
 * The static-file view of a scaffold (Flask's `send_static_file`): serves
 * `filename` from the scaffold's static folder with {@link sendFromDirectory},
 * so traversal, dotfiles and symlinks out of the folder are refused (404;
 * `STATIC_ALLOW_DOTFILES` and `STATIC_FOLLOW_SYMLINKS` allow the last two),
 * and caching follows
 * `SEND_FILE_MAX_AGE_DEFAULT`. The folder is read at request time, so
 * changing `scaffold.staticFolder` later takes effect.
 *
 * @example
 * ```ts
 * app.addUrlRule('/assets/<path:filename>', 'assets', makeStaticView(app))
 * ```
 */
export function makeStaticView(scaffold: Scaffold): AnyView {
  const view = function sendStaticFile({ filename }: { filename: string }, ctx: Context) {
    const folder = scaffold.staticFolder
    if (folder === null) throw new NotFound()
    const config = ctx.app.config
    return sendFromDirectory(folder, filename, {
      dotfiles: config.STATIC_ALLOW_DOTFILES === true,
      followSymlinks: config.STATIC_FOLLOW_SYMLINKS === true,
    })
  }
  return view as AnyView
}
