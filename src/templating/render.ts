/**
 * Rendering: `renderTemplate`, `renderTemplateString`, `streamTemplate` and
 * `streamTemplateString`, in the current app's context, with the
 * `beforeRenderTemplate` and `templateRendered` signals.
 *
 * @module
 */
import type { AppCore } from '../core/app-core.ts'
import { currentContext, type Context } from '../core/context.ts'
import { runInContext } from '../core/enter-context.ts'
import { beforeRenderTemplate, templateRendered } from '../signals.ts'
import { templateContext } from './context.ts'
import { getTemplateEnvironment } from './environment.ts'
import { toTemplateError } from './errors.ts'
import type { NunjucksTemplate } from './nunjucks.ts'

type Vars = Record<string, unknown>

/**
 * The name signals report for a template string.
 *
 * @example
 * ```ts
 * templateRendered.connect((_app, { template }) => { if (template === STRING_TEMPLATE_NAME) strings++ })
 * ```
 */
export const STRING_TEMPLATE_NAME = '<template string>'

/** Size of the chunks `streamTemplate` yields. */
const CHUNK_SIZE = 16 * 1024

function renderWith(app: AppCore, template: NunjucksTemplate, name: string, vars: Vars): string {
  if (beforeRenderTemplate.receiversCount > 0) beforeRenderTemplate.send(app, { template: name, context: vars })
  let html: string
  try {
    html = template.render(vars)
  } catch (err) {
    throw toTemplateError(err, { name: name === STRING_TEMPLATE_NAME ? null : name, filename: template.path ?? null })
  }
  if (templateRendered.receiversCount > 0) templateRendered.send(app, { template: name, context: vars })
  return html
}

/** Renders now when the context is ready, else once the context processors resolved. */
function render(ctx: Context, template: NunjucksTemplate, name: string, context: Vars | undefined): string | Promise<string> {
  const vars = templateContext(ctx, context)
  if (!(vars instanceof Promise)) return renderWith(ctx.app, template, name, vars)
  return vars.then((v) => runInContext(ctx, () => renderWith(ctx.app, template, name, v)))
}

function renderNamed(name: string | readonly string[], context: Vars | undefined): string | Promise<string> {
  const ctx = currentContext()
  const [template, found] = getTemplateEnvironment(ctx.app).selectTemplate(name)
  const out = render(ctx, template, found, context)
  // a .txt template is plain text: remember its output so that a view
  // returning it is served as text/plain, not as HTML nothing escaped
  if (!found.endsWith('.txt') || !ctx.hasRequest) return out
  if (typeof out === 'string') return (ctx.renderedText = out)
  return out.then((text) => (ctx.renderedText = text))
}

function renderSource(source: string, context: Vars | undefined): string | Promise<string> {
  const ctx = currentContext()
  const template = getTemplateEnvironment(ctx.app).fromString(source)
  return render(ctx, template, STRING_TEMPLATE_NAME, context)
}

/**
 * Renders a template from the app's (then the blueprints') template folders
 * with `context` and the standard variables (`request`, `session`, `g`,
 * `config`, `url_for`, `get_flashed_messages`, context processors). Given a
 * list of names, renders the first that exists. Needs an app context.
 *
 * @example
 * ```ts
 * app.get('/', function index() {
 *   return renderTemplate('index.html', { posts })
 * })
 * app.errorHandler(404, async () => [await renderTemplate(['errors/404.html', '404.html']), 404])
 * ```
 */
export async function renderTemplate(name: string | readonly string[], context?: Vars): Promise<string> {
  return renderNamed(name, context)
}

/**
 * Renders a template given as a string (autoescaped, like an `.html`
 * file). Compiled strings are cached by source.
 *
 * @example
 * ```ts
 * app.get('/hello/<name>', ({ name }) => renderTemplateString('<h1>Hello {{ name }}!</h1>', { name }))
 * ```
 */
export async function renderTemplateString(source: string, context?: Vars): Promise<string> {
  return renderSource(source, context)
}

function chunks(html: string | Promise<string>): AsyncGenerator<string, void, undefined> {
  // A stream that is never read must not leave an unhandled rejection behind.
  if (html instanceof Promise) html.catch(() => {})
  return chunksOf(html)
}

async function* chunksOf(html: string | Promise<string>): AsyncGenerator<string, void, undefined> {
  const text = await html
  for (let i = 0; i < text.length; i += CHUNK_SIZE) yield text.slice(i, i + CHUNK_SIZE)
}

/**
 * A template rendered as a stream of chunks a view can return (Flask's
 * `stream_template`). Nunjucks renders a whole template at once, so this
 * renders first — before the response starts, so a template error is still
 * a 500 page — then streams the text in 16 KiB chunks.
 *
 * @example
 * ```ts
 * app.get('/report', () => streamTemplate('report.html', { rows }))
 * ```
 */
export function streamTemplate(name: string | readonly string[], context?: Vars): AsyncIterable<string> {
  return chunks(renderNamed(name, context))
}

/**
 * {@link streamTemplate} for a template given as a string.
 *
 * @example
 * ```ts
 * app.get('/rows', () => streamTemplateString('{% for r in rows %}{{ r }}\n{% endfor %}', { rows }))
 * ```
 */
export function streamTemplateString(source: string, context?: Vars): AsyncIterable<string> {
  return chunks(renderSource(source, context))
}
