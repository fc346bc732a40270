/**
 * `npm run conduit`: create or migrate the database (`phial db upgrade`),
 * then serve the API on http://127.0.0.1:3000/api (or $HOST:$PORT).
 * `DATABASE_URL=postgresql://…` serves it from PostgreSQL.
 */
import { createApp } from './app.ts'
import { migrate } from './db.ts'

const app = createApp()
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
