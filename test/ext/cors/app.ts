/** The app the cors tests share: routes for every case, CORS set up with the given options. */
import { Phial, Response, abort } from 'phial'
import { CORS, type CorsExtensionOptions } from 'phial/cors'

export const ORIGIN = 'https://app.example.com'

export function makeApp(options?: CorsExtensionOptions, config: Record<string, unknown> = {}): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ LOG_LEVEL: 'silent', PROPAGATE_EXCEPTIONS: false, ...config })
  if (options !== undefined) new CORS(app, options)
  let calls = 0
  app.route('/api/items', { methods: ['GET', 'PUT', 'DELETE'] }, function items() {
    calls++
    return { calls }
  })
  app.get('/api/public/feed', function feed() {
    return { feed: true }
  })
  app.get('/page', function page() {
    return 'page'
  })
  app.get('/api/missing', function missing(): string {
    return abort(404)
  })
  app.get('/api/boom', function boom() {
    throw new Error('boom')
  })
  app.get('/api/vary', function vary() {
    return new Response('x', { headers: { Vary: 'Accept-Encoding' } })
  })
  app.get('/api/own', function own() {
    return new Response('x', { headers: { 'Access-Control-Allow-Origin': 'https://mine.test' } })
  })
  return app
}

export const preflight = (origin: string, method = 'PUT', headers?: string): Record<string, string> => ({
  Origin: origin,
  'Access-Control-Request-Method': method,
  ...(headers ? { 'Access-Control-Request-Headers': headers } : {}),
})

