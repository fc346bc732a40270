/**
 * The Conduit benchmark's Phial server: examples/conduit itself, unchanged,
 * on BENCH_CONDUIT_URL, with logging and query recording off (as every peer).
 */
import { conduitUrl } from './conduit-shared.ts'

// loaded by URL so that bench/tsconfig.servers.json (rootDir bench/) does not compile the example
interface ConduitModules {
  createApp(config: Record<string, unknown>): { appContext<T>(fn: () => T): Promise<Awaited<T>>; run(o: object): Promise<unknown> }
}
const { createApp } = (await import(new URL('../../examples/conduit/app.ts', import.meta.url).href)) as ConduitModules
const { db } = (await import(new URL('../../examples/conduit/db.ts', import.meta.url).href)) as { db: { engine(): Promise<unknown> } }

const app = createApp({ DATABASE_URL: conduitUrl().url, LOG_LEVEL: 'silent', ACCESS_LOG: false, SQLALCHEMY_RECORD_QUERIES: false })
await app.appContext(() => db.engine())
await app.run({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000), announce: false })
console.log('ready')
