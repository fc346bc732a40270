/** A quiet test app. */
import { Phial } from 'phial'

export function makeApp(config: Record<string, unknown> = {}): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ LOG_LEVEL: 'silent', ...config })
  return app
}
