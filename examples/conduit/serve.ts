/**
 * `npm run conduit`: create or migrate the database (`phial db upgrade`),
 * then serve the API on http://127.0.0.1:3000/api (or $HOST:$PORT).
 * `DATABASE_URL=postgresql://…` serves it from PostgreSQL.
 */
import { DEVELOPMENT_SECRET, createApp } from './app.ts'
import { migrate } from './db.ts'

const app = createApp()
if (app.config.get('SECRET_KEY') === DEVELOPMENT_SECRET) {
  // tokens are signed with it, and it is in the repository: anyone could forge them
  app.logger.warn('SECRET_KEY is the development default: set PHIAL_SECRET_KEY before serving real users.')
}
await app.appContext(() => migrate.upgrade('head', (line) => app.logger.info(line)))
const host = process.env.HOST ?? '127.0.0.1'
const port = Number(process.env.PORT ?? 3000)
let server
try {
  server = await app.run({ host, port })
} catch (err) {
  const e = err as NodeJS.ErrnoException
  if (e.syscall !== 'listen') throw err
  process.stderr.write(`Error: Could not listen on ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'the address is already in use' : e.message}.\n`)
  process.exit(1)
}
app.logger.info(`Conduit API on http://${host}:${port}/api (docs: http://${host}:${port}/api/docs)`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0))
  })
}
