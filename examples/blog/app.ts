/**
 * Flaskr, the blog of Flask's tutorial, in Phial: the application factory.
 */
import { join } from 'node:path'
import { Phial, type ConfigValues } from 'phial'
import { CSRFProtect } from 'phial/csrf'
import { auth } from './auth.ts'
import { blog } from './blog.ts'
import * as db from './db.ts'

declare module 'phial' {
  interface ConfigValues {
    /** Path of the SQLite database file. */
    DATABASE: string
  }
}

export const csrf = new CSRFProtect()

/**
 * Creates the blog app. `overrides` wins over the defaults, `instance/config.json`
 * and `PHIAL_*` environment variables (tests pass a temporary DATABASE).
 *
 * @example
 * ```ts
 * const app = createApp({ TESTING: true, DATABASE: '/tmp/test.sqlite' })
 * ```
 */
export function createApp(overrides: Partial<ConfigValues> & Record<string, unknown> = {}): Phial {
  const app = new Phial(import.meta.url, { name: 'flaskr', instanceRelativeConfig: true })
  app.config.fromMapping({
    SECRET_KEY: 'dev',
    DATABASE: join(app.instancePath, 'blog.sqlite'),
  })
  if (Object.keys(overrides).length === 0) {
    app.config.fromFile('config.json', { silent: true })
    app.config.fromPrefixedEnv('PHIAL')
  } else {
    app.config.fromMapping(overrides)
  }

  db.initApp(app)
  csrf.initApp(app)
  app.templateFilter('date', (value: unknown) => String(value ?? '').slice(0, 10))

  app.register(auth)
  app.register(blog)
  app.addUrlRule('/', 'index', null)

  app.get('/hello', function hello() {
    return 'Hello, World!'
  })
  return app
}
