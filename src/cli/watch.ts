/**
 * Watching a project's source and template files for the reloader. Each
 * folder gets its own (non-recursive) `fs.watch`, so that `node_modules`,
 * `.git` and build output are never walked or watched (Node 20's recursive
 * mode on Linux walks everything), and folders created later are added.
 */
import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'

/**
 * Folder names never watched.
 *
 * @example
 * ```ts
 * IGNORED_DIRS.has('node_modules') // true
 * ```
 */
export const IGNORED_DIRS: ReadonlySet<string> = new Set(['node_modules', 'dist', 'build', 'coverage', 'instance', '__pycache__'])

const WATCHED_FILE = /\.(?:[cm]?[jt]sx?|json|html?|xml|svg|txt|jinja2?|j2|njk|nunjucks|toml|sql)$/i

/**
 * Whether a change to this file restarts the app: sources, templates,
 * config and `.env` files; not editors' temporary files.
 *
 * @example
 * ```ts
 * isWatchedFile('/app/templates/index.html') // true
 * isWatchedFile('/app/.app.ts.swp')          // false
 * ```
 */
export function isWatchedFile(path: string): boolean {
  const name = basename(path)
  if (name === '.env' || name === '.phialenv') return true
  if (name.startsWith('.#') || name.endsWith('~')) return false
  return WATCHED_FILE.test(name)
}

/**
 * Options of {@link watchSources}.
 *
 * @example
 * ```ts
 * watchSources({ roots: ['.'], files: ['config.toml'], onChange: console.log } satisfies WatchOptions)
 * ```
 */
export interface WatchOptions {
  /** Folders watched with their sub-folders. */
  roots: readonly string[]
  /** Single files watched too, whatever their extension (`--extra-files`). */
  files?: readonly string[]
  /** Called with each changed path. */
  onChange(path: string): void
  /** Most folders watched (default 5000). */
  maxDirs?: number
}

/**
 * A running watcher.
 *
 * @example
 * ```ts
 * const watcher: SourceWatcher = watchSources({ roots: ['.'], onChange })
 * watcher.close()
 * ```
 */
export interface SourceWatcher {
  /** How many folders are watched. */
  readonly size: number
  close(): void
}

/**
 * Watches the roots' source and template files and the extra files.
 *
 * @example
 * ```ts
 * const watcher = watchSources({ roots: [process.cwd()], onChange: (p) => console.log('changed', p) })
 * // later
 * watcher.close()
 * ```
 */
export function watchSources(options: WatchOptions): SourceWatcher {
  const maxDirs = options.maxDirs ?? 5000
  const watchers = new Map<string, FSWatcher>()
  const extra = new Set((options.files ?? []).map((f) => resolve(f)))
  const ignored = (name: string): boolean => name.startsWith('.') || IGNORED_DIRS.has(name)

  const onEvent = (dir: string, name: string | Buffer | null): void => {
    if (name === null) return
    const path = join(dir, name.toString())
    if (extra.has(path)) {
      options.onChange(path)
      return
    }
    if (!walked.has(dir)) return
    let isDir = false
    try {
      isDir = statSync(path).isDirectory()
    } catch {
      const gone = watchers.get(path)
      if (gone) {
        gone.close()
        watchers.delete(path)
      }
    }
    if (isDir) {
      if (!ignored(name.toString())) addTree(path)
      return
    }
    if (isWatchedFile(path)) options.onChange(path)
  }

  const addDir = (dir: string): boolean => {
    if (watchers.has(dir)) return true
    if (watchers.size >= maxDirs) return false
    try {
      const w = watch(dir, { persistent: true }, (_event, name) => onEvent(dir, name))
      w.on('error', () => {
        w.close()
        watchers.delete(dir)
      })
      watchers.set(dir, w)
      return true
    } catch {
      return false
    }
  }

  const walked = new Set<string>()
  const addTree = (dir: string): void => {
    if (!addDir(dir)) return
    walked.add(dir)
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) if (entry.isDirectory() && !ignored(entry.name)) addTree(join(dir, entry.name))
  }

  for (const root of options.roots) if (existsSync(root)) addTree(resolve(root))
  for (const file of extra) addDir(dirname(file))

  return {
    get size() {
      return watchers.size
    },
    close() {
      for (const w of watchers.values()) w.close()
      watchers.clear()
    },
  }
}
