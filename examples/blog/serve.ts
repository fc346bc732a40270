/**
 * `npm start`: create the database on first start, then serve the blog on
 * http://127.0.0.1:5000 (or $HOST:$PORT).
 */
import { existsSync } from 'node:fs'
import { createApp } from './app.ts'
import { initDb } from './db.ts'

const app = createApp()
const database = app.config.DATABASE
if (!existsSync(database)) {
  await initDb(database)
  app.logger.info(`Initialized the database at ${database}`)
}
const server = await app.run({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 5000) })
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0))
  })
}
