/** Shared setup for the templating tests. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Phial, type PhialOptions } from '../../src/index.ts'

/** An app whose templates/ folder is test/templating/templates. */
export function fixtureApp(options: PhialOptions = {}): Phial {
  const app = new Phial(import.meta.url, { name: 'fixture', ...options })
  app.config.SECRET_KEY = 'test secret'
  return app
}

/** An app in a fresh temporary folder with the given template files. */
export function tempApp(files: Record<string, string>): { app: Phial; root: string; write(name: string, text: string): void } {
  const root = mkdtempSync(join(tmpdir(), 'phial-templates-'))
  const write = (name: string, text: string): void => {
    const path = join(root, 'templates', name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
  }
  for (const [name, text] of Object.entries(files)) write(name, text)
  const app = new Phial(join(root, 'app.ts'), { name: 'temp' })
  app.config.SECRET_KEY = 'test secret'
  return { app, root, write }
}
