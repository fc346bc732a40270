/**
 * The plaintext, JSON and int-parameter routes of bench/servers/phial.ts on
 * the Node adapter, for one checkout of Phial: `PHIAL_ROOT` names the
 * checkout (its src/ is imported), `PORT` the port. Used by compare.ts.
 */
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'

const root = process.env.PHIAL_ROOT ?? process.cwd()
const { Phial, Response, toNodeHandler } = (await import(pathToFileURL(`${root}/src/index.ts`).href)) as typeof import('../../src/index.ts')

const app = new Phial(import.meta.url, { name: 'bench', staticFolder: null, templateFolder: null })
app.config.ACCESS_LOG = false
app.get('/plaintext', function plaintext() {
  return new Response('Hello, World!', { mimetype: 'text/plain' })
})
app.get('/json', function json() {
  return { message: 'Hello, World!' }
})
app.get('/users/<int:id>', function user({ id }) {
  return { id }
})
createServer(toNodeHandler(app)).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'))
