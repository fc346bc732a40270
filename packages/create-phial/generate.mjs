/**
 * Writes a new Phial project from a template: the files under templates/common,
 * then the template's own (which may replace common ones), with the placeholders
 * filled in, plus a package.json and a .env with a freshly generated secret key.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const templatesDir = join(here, 'templates')

/** The templates one can ask for, with a line each for `--help`. */
export const TEMPLATES = {
  minimal: 'an app factory, one blueprint with a page and a flashed message, templates, CSS, tests',
  api: 'the minimal app plus a JSON API blueprint under /api (in-memory notes) with its tests',
}

/** This package's version: the generated project depends on the phial of the same version. */
export const VERSION = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).version

/** A valid npm package name made from a folder name ("My App!" → "my-app"). */
export function packageName(folder) {
  const name = basename(resolve(folder))
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '')
  return name || 'phial-app'
}

/** Every file of a folder, as paths relative to it. */
function filesOf(folder) {
  if (!existsSync(folder)) return []
  const out = []
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry)
    if (statSync(path).isDirectory()) out.push(...filesOf(path).map((f) => join(entry, f)))
    else out.push(entry)
  }
  return out
}

/** npm leaves `.gitignore` out of tarballs, so the templates carry it as `_gitignore`. */
function targetName(file) {
  return file.replace(/(^|[/\\])_gitignore$/, '$1.gitignore')
}

/**
 * Writes the project into `target` and returns the files written (relative paths).
 *
 * @param {{ target: string, template: keyof typeof TEMPLATES, phialSpec?: string }} options
 */
export function generate({ target, template, phialSpec = `^${VERSION}` }) {
  const name = packageName(target)
  const fill = (text) => text.replaceAll('__NAME__', name)
  const files = new Map()
  for (const layer of ['common', template]) {
    for (const file of filesOf(join(templatesDir, layer))) files.set(targetName(file), join(templatesDir, layer, file))
  }
  const written = []
  const write = (file, text) => {
    const path = join(target, file)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
    written.push(relative(target, path))
  }
  for (const [file, source] of files) write(file, fill(readFileSync(source, 'utf8')))
  write('package.json', JSON.stringify(manifest(name, phialSpec), null, 2) + '\n')
  // The key signs the session cookie: 32 random bytes, never committed (.gitignore lists .env).
  write('.env', `# Read by the phial CLI (phial run / phial serve) before the app is created.\nPHIAL_SECRET_KEY=${randomBytes(32).toString('hex')}\n`)
  return written.sort()
}

function manifest(name, phialSpec) {
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      dev: 'phial run --debug',
      start: 'phial serve',
      test: 'vitest run',
      typecheck: 'tsc --noEmit',
    },
    dependencies: { phial: phialSpec },
    devDependencies: {
      '@types/node': '^20.19.0',
      typescript: '~5.9.0',
      vitest: '^4.0.0',
    },
  }
}
