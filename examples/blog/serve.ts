/**
 * `npm start`: create the database on first start (by applying the
 * migrations to a new database), then serve the blog on
 * http://127.0.0.1:5000 (or $HOST:$PORT). `DATABASE_URL=postgresql://…`
 * serves it from PostgreSQL.
 *
 * The first start also makes a random SECRET_KEY and keeps it in
 * instance/secret_key (mode 0600), unless SECRET_KEY is set; with
 * NODE_ENV=production it refuses to start without a real SECRET_KEY.
 */
import { createApp } from './app.ts'
import { migrate } from './db.ts'
import { SecretKeyError } from './secret-key.ts'

let app
try {
  app = createApp()
} catch (err) {
  if (!(err instanceof SecretKeyError)) throw err
  process.stderr.write(`Error: ${err.message}\n`)
  process.exit(1)
}
const state = await app.appContext(() => migrate.upgradeIfNew())
if (state === 'created') app.logger.info('Initialized the database (applied the migrations).')
if (state === 'behind') app.logger.warn("The database is behind the migrations: run 'phial --app examples/blog/app.ts db upgrade'.")
if (state === 'unmanaged') {
  app.logger.warn("The database predates the migrations (it has tables but no revision): if its schema matches, run 'phial --app examples/blog/app.ts db stamp head'; or delete it to start afresh.")
}
const host = process.env.HOST ?? '127.0.0.1'
const port = Number(process.env.PORT ?? 5000)
let server
try {
  server = await app.run({ host, port })
} catch (err) {
  const e = err as NodeJS.ErrnoException
  if (e.syscall !== 'listen') throw err
  // the same one line as `phial run`, instead of a stack trace (PORT=8000 npm start picks another port)
  process.stderr.write(`Error: Could not listen on ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'the address is already in use' : e.message}.\n`)
  process.exit(1)
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0))
  })
}
