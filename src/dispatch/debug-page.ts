/**
 * The debug-mode traceback page: the error, its stack, and the source lines
 * around each frame of your code. Only ever shown with `DEBUG` on.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Context } from '../core/context.ts'
import { escapeHtml } from '../http/escape.ts'
import { Response } from '../http/response.ts'

const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/

const esc = (value: unknown): string => escapeHtml(String(value))

function sourceLines(file: string, line: number, around = 3): string {
  if (file.startsWith('node:') || file.includes('/node_modules/')) return ''
  let path = file
  if (path.startsWith('file://')) path = fileURLToPath(path)
  let text: string
  try {
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
  for (const raw of (err.stack ?? '').split('\n').slice(1)) {
    const m = FRAME.exec(raw)
    if (!m) continue
    const [, fn, file, line] = m
    frames.push(
      `<li><div class="frame"><code>${esc(fn ?? '<anonymous>')}</code> in <code>${esc(file)}:${line}</code></div>${sourceLines(file!, Number(line))}</li>`,
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
