/**
 * The debug-mode traceback page: the error, its stack, and the source lines
 * around each frame of your code. Only ever shown with `DEBUG` on.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Context } from '../core/context.ts'
import { escapeHtml } from '../http/escape.ts'
import { Response } from '../http/response.ts'

const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/

const esc = (value: unknown): string => escapeHtml(String(value))

/** True when `path` (already resolved) lies inside `root`. */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel)
}

const projectRoots = new Map<string, string>()

/**
 * The folder whose files the page may show: the app's package (the nearest
 * folder above `rootPath` with a package.json, so views in a sibling folder
 * of the app module still show), else `rootPath` itself.
 */
function projectRoot(rootPath: string): string {
  let root = projectRoots.get(rootPath)
  if (root === undefined) {
    root = rootPath
    for (let dir = rootPath; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json'))) { root = dir; break }
      if (dirname(dir) === dir) break
    }
    try { root = realpathSync(root) } catch { /* keep it as given */ }
    projectRoots.set(rootPath, root)
  }
  return root
}

/**
 * The source around a frame's line, only for a file of the app: under its
 * project root once symlinks are resolved (so a link cannot lead out), not in
 * node_modules (noise), never `node:` internals or anything elsewhere.
 */
function sourceLines(file: string, line: number, root: string | null, around = 3): string {
  if (root === null || file.startsWith('node:') || file.includes('/node_modules/')) return ''
  let text: string
  try {
    const path = realpathSync(file.startsWith('file://') ? fileURLToPath(file) : file)
    if (!isAbsolute(path) || !isInside(root, path)) return ''
    text = readFileSync(path, 'utf8')
  } catch {
    return ''
  }
  const lines = text.split('\n')
  const from = Math.max(1, line - around)
  const to = Math.min(lines.length, line + around)
  const out: string[] = []
  for (let n = from; n <= to; n++) {
    const mark = n === line ? ' class="current"' : ''
    out.push(`<div${mark}><span class="ln">${n}</span>${esc(lines[n - 1] ?? '')}</div>`)
  }
  return `<pre class="source">${out.join('')}</pre>`
}

/**
 * The frame lines of the real stack: what follows the `Name: message`
 * header V8 wrote, so a message that contains `at x (/etc/passwd:1:1)` is not
 * taken for a frame. When the header does not match (the message or the
 * stack was changed after the error was made), only the last run of frame
 * lines is kept, and those still pass the root check in `sourceLines`.
 */
function stackFrames(err: Error): string[] {
  const stack = err.stack ?? ''
  const header = err.message ? `${err.name}: ${err.message}` : err.name
  if (stack.startsWith(header + '\n')) return stack.slice(header.length + 1).split('\n')
  const lines = stack.split('\n')
  let first = lines.length
  while (first > 1 && FRAME.test(lines[first - 1]!)) first--
  return lines.slice(first)
}

/**
 * The traceback page for an error, as a 500 response.
 *
 * @example
 * ```ts
 * renderDebugPage(new Error('boom'), ctx).status // 500
 * ```
 */
export function renderDebugPage(error: unknown, ctx: Context | null): Response {
  const err = error instanceof Error ? error : new Error(String(error))
  const frames: string[] = []
  const root = ctx ? projectRoot(ctx.app.rootPath) : null
  for (const raw of stackFrames(err)) {
    const m = FRAME.exec(raw)
    if (!m) continue
    const [, fn, file, line] = m
    frames.push(
      `<li><div class="frame"><code>${esc(fn ?? '<anonymous>')}</code> in <code>${esc(file)}:${line}</code></div>${sourceLines(file!, Number(line), root)}</li>`,
    )
  }
  const request = ctx?.hasRequest ? ctx.request : null
  const title = `${err.name}: ${err.message}`
  const body = `<!doctype html>
<html lang=en>
<title>${esc(title)} // Phial debugger</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.4em;color:#b00}
.frame{margin-top:1em}pre.source{background:#f6f6f6;padding:.5em;overflow:auto;font-size:.85em}
pre.source .current{background:#fde2e2}.ln{display:inline-block;width:3em;color:#999}
.meta{color:#666}ol{padding-left:1.2em}
</style>
<h1>${esc(title)}</h1>
${request ? `<p class="meta">${esc(request.method)} ${esc(request.path)} &middot; request id ${esc(request.id)}</p>` : ''}
<p class="meta">This page is shown because DEBUG is on. Never enable debug mode in production.</p>
<h2>Traceback <small>(most recent call first)</small></h2>
<ol>${frames.join('\n')}</ol>
<h2>Stack</h2>
<pre>${esc(err.stack ?? title)}</pre>
`
  return new Response(body, { status: 500 })
}
