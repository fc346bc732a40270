/**
 * Flaskr, the blog of Flask's tutorial, in Phial: the application factory.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Phial, type ConfigValues } from 'phial'
import { CSRFProtect } from 'phial/csrf'
import * as admin from './admin.ts'
import * as cache from './cache.ts'
import { auth, loginManager } from './auth.ts'
import { blog } from './blog.ts'
import * as database from './db.ts'
import * as live from './live.ts'
import * as notify from './notify.ts'
import { configureSecretKey } from './secret-key.ts'
import * as throttle from './throttle.ts'

export const csrf = new CSRFProtect()

// tests that give no SECRET_KEY sign with a random key of this process, never a public one
const TEST_SECRET_KEY = randomBytes(32).toString('hex')

/**
 * Creates the blog app. Without `testConfig`, settings come from the defaults,
 * then `instance/config.json`, then `PHIAL_*` environment variables; with it
 * (as the tests do), from the defaults and `testConfig` only.
 *
 * SECRET_KEY: without `testConfig`, from the config, else the `SECRET_KEY`
 * environment variable, else the key kept in `instance/secret_key` (made on
 * first start; never in production, where a missing or weak key is a
 * `SecretKeyError`: see secret-key.ts). `BLOG_INSTANCE_PATH` moves the
 * instance folder.
 *
 * The database is `DATABASE_URL` (config, `PHIAL_DATABASE_URL`, or the
 * `DATABASE_URL` environment variable); else the SQLite file `DATABASE`.
 *
 * @example
 * ```ts
 * const app = createApp({ TESTING: true, DATABASE_URL: 'sqlite:////tmp/test.sqlite' })
 * ```
 */
export function createApp(testConfig?: Partial<ConfigValues> & Record<string, unknown>): Phial {
  const instancePath = process.env.BLOG_INSTANCE_PATH || undefined
  const app = new Phial(import.meta.url, { name: 'flaskr', instanceRelativeConfig: true, instancePath })
  app.config.fromMapping({ DATABASE: join(app.instancePath, 'blog.sqlite') })
  if (testConfig === undefined) {
    app.config.fromFile('config.json', { silent: true })
    app.config.fromPrefixedEnv('PHIAL')
    configureSecretKey(app)
  } else {
    app.config.fromMapping({ SECRET_KEY: TEST_SECRET_KEY, ...testConfig })
  }
  const config = app.config as unknown as { DATABASE_URL?: string | null; DATABASE: string }
  if (!config.DATABASE_URL) {
    // an explicit DATABASE (a test's, or PHIAL_DATABASE) wins over the environment's DATABASE_URL
    const explicit = testConfig?.DATABASE !== undefined || process.env.PHIAL_DATABASE !== undefined
    config.DATABASE_URL = !explicit && process.env.DATABASE_URL ? process.env.DATABASE_URL : database.sqliteUrl(String(config.DATABASE))
  }

  database.initApp(app)
  csrf.initApp(app)
  loginManager.initApp(app)
  admin.initApp(app)
  cache.initApp(app)
  throttle.initApp(app)
  notify.initApp(app)
  live.initApp(app)
  app.templateFilter('date', (value: unknown) => (value instanceof Date ? value.toISOString() : String(value ?? '')).slice(0, 10))

  app.register(auth)
  app.register(blog)
  // url_for('index') builds '/' too, which blog.index serves
  app.addUrlRule('/', 'index', null)

  app.get('/hello', function hello() {
    return 'Hello, World!'
  })
  return app
}
