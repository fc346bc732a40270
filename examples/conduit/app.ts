/**
 * Conduit, the RealWorld API (a Medium clone's backend), in Phial: the
 * application factory. The API lives under `/api` (its blueprints users,
 * profiles, articles and tags registered into one `Api`), its OpenAPI
 * document at `/api/openapi.json` and its docs page at `/api/docs`.
 *
 * @module
 */
import { Phial, type ConfigValues } from 'phial'
import { CORS } from 'phial/cors'
import { api } from './api.ts'
import { jwt } from './auth.ts'
import { db, migrate } from './db.ts'
import { seed } from './seed.ts'

export const cors = new CORS()

/** The secret tokens are signed with when none is configured: for development only. */
export const DEVELOPMENT_SECRET = 'conduit-development-secret-change-me-in-production'

/** The defaults: the development secret (set PHIAL_SECRET_KEY in production), tokens that last 30 days. */
const DEFAULTS = {
  SECRET_KEY: DEVELOPMENT_SECRET,
  JWT_HEADER_TYPE: 'Token',
  JWT_ACCESS_TOKEN_EXPIRES: 30 * 24 * 3600,
  CORS_ORIGINS: '*',
}

/**
 * Creates the Conduit app. Settings: the defaults, then `instance/config.json`,
 * then `PHIAL_*` environment variables (`PHIAL_SECRET_KEY`, `PHIAL_CORS_ORIGINS`),
 * then `overrides` (what tests pass). The database is `DATABASE_URL` (the
 * environment variable, or the config key); else `instance/conduit.sqlite`.
 *
 * @example
 * ```ts
 * const app = createApp({ TESTING: true, DATABASE_URL: 'sqlite:///:memory:' })
 * ```
 */
export function createApp(overrides: Partial<ConfigValues> & Record<string, unknown> = {}): Phial {
  const app = new Phial(import.meta.url, { name: 'conduit', instanceRelativeConfig: true })
  app.config.fromMapping(DEFAULTS)
  app.config.fromFile('config.json', { silent: true })
  app.config.fromPrefixedEnv('PHIAL')
  app.config.fromMapping(overrides)

  // CORS first, so preflights are answered before anything looks for a token
  cors.initApp(app, { resources: { '/api/*': { origins: app.config.get('CORS_ORIGINS') as string } } })
  db.initApp(app)
  migrate.initApp(app, db, { directory: 'migrations' })
  jwt.initApp(app)
  api.initApp(app)

  app.cli.group('db').command('seed', { description: 'Add demo users, articles, comments and favourites.' }, async () => {
    console.log(await seed())
  })
  return app
}
