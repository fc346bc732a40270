/**
 * The API docs page: Swagger UI from the `swagger-ui-dist` package, served
 * by the app itself (no CDN, no outside request: its validator badge is off).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { NotFound, Response, escape } from 'phial'

/** The core's HTML escaping, as a plain string. */
const escapeHtml = (text: string): string => String(escape(text))

/** The files of swagger-ui-dist the page uses, with their content types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
}

/** The asset names, for the rule's `any(...)` converter. */
export const DOCS_ASSET_NAMES = Object.keys(ASSETS)

let assetDir: string | null = null
const cache = new Map<string, Buffer>()

/** The folder of the installed swagger-ui-dist, or a clear error. */
function swaggerUiDir(): string {
  if (assetDir === null) {
    try {
      const require = createRequire(import.meta.url)
      assetDir = dirname(require.resolve('swagger-ui-dist/package.json'))
    } catch {
      throw new Error("The API docs page needs the 'swagger-ui-dist' package: npm install swagger-ui-dist (or set REST_DOCS_URL to null).")
    }
  }
  return assetDir
}

/**
 * One Swagger UI asset as a response (read once, then kept in memory),
 * cached by browsers for a day.
 *
 * @example
 * ```ts
 * docsAsset('swagger-ui.css').headers.get('content-type') // 'text/css; charset=utf-8'
 * ```
 */
export function docsAsset(name: string): Response {
  const contentType = ASSETS[name]
  if (contentType === undefined) throw new NotFound()
  let data = cache.get(name)
  if (data === undefined) {
    data = readFileSync(join(swaggerUiDir(), name))
    cache.set(name, data)
  }
  return new Response(data, { contentType, headers: { 'Cache-Control': 'public, max-age=86400' } })
}

/**
 * The HTML of the docs page. Its script is a separate file, so a strict
 * Content-Security-Policy (`script-src 'self'`) allows it.
 *
 * @example
 * ```ts
 * docsHtml('Todo API', '/docs/swagger-ui/', '/docs/swagger-initializer.js')
 * ```
 */
export function docsHtml(title: string, assetBase: string, initializerUrl: string): string {
  const t = escapeHtml(title)
  const base = escapeHtml(assetBase)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t} – API docs</title>
<link rel="stylesheet" href="${base}swagger-ui.css">
<link rel="icon" type="image/png" href="${base}favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}swagger-ui-bundle.js" charset="utf-8"></script>
<script src="${escapeHtml(initializerUrl)}" charset="utf-8"></script>
</body>
</html>
`
}

/**
 * The script that starts Swagger UI on the document at `openapiUrl`.
 *
 * @example
 * ```ts
 * docsInitializer('/openapi.json')
 * ```
 */
export function docsInitializer(openapiUrl: string): Response {
  const js = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(openapiUrl)}, dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });\n`
  return new Response(js, { contentType: 'text/javascript; charset=utf-8' })
}
