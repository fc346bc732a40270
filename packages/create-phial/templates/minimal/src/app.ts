/**
 * The application factory. `phial run` and `phial serve` find `createApp` in
 * src/app.ts; tests call it with their own settings.
 */
import { Phial, type ConfigValues } from 'phial'
import { CSRFProtect } from 'phial/csrf'
import { pages } from './pages.ts'

const csrf = new CSRFProtect()

export function createApp(overrides: Partial<ConfigValues> = {}): Phial {
  // the folder of this file is the app's root: templates/ and static/ live next to it
  const app = new Phial(import.meta.url)
  // PHIAL_SECRET_KEY (and any PHIAL_* variable) from the environment; .env has one
  app.config.fromPrefixedEnv('PHIAL').fromMapping(overrides)
  csrf.initApp(app)
  app.register(pages)
  return app
}
