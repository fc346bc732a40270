#!/usr/bin/env node
/**
 * `npm create phial@latest [folder] -- [--template minimal|api]`: writes a new
 * Phial project into `folder` (default `phial-app`). Asks nothing.
 */
import { existsSync, readdirSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { generate, TEMPLATES, VERSION } from './generate.mjs'

const usage = `Usage: npm create phial@latest [folder] -- [options]
       npx create-phial [folder] [options]

Writes a new Phial app into folder (default: phial-app).

Options:
  -t, --template <name>  ${Object.entries(TEMPLATES).map(([n, what]) => `${n}: ${what}`).join('\n                         ')}
                         (default: minimal)
  --phial <spec>         the phial dependency to write (default: ^${VERSION}),
                         e.g. file:../phial-${VERSION}.tgz for a local build
  -f, --force            write into a folder that is not empty
  -h, --help             show this help
  -v, --version          show the version
`

function fail(message, code) {
  process.stderr.write(`create-phial: ${message}\n`)
  process.exit(code)
}

let parsed
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      template: { type: 'string', short: 't', default: 'minimal' },
      phial: { type: 'string' },
      force: { type: 'boolean', short: 'f', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
  })
} catch (err) {
  fail(`${err.message}\n\n${usage}`, 2)
}
const { values, positionals } = parsed
if (values.help) {
  process.stdout.write(usage)
  process.exit(0)
}
if (values.version) {
  process.stdout.write(`${VERSION}\n`)
  process.exit(0)
}
if (positionals.length > 1) fail(`one folder at most, got ${positionals.length}: ${positionals.join(' ')}\n\n${usage}`, 2)
if (!Object.hasOwn(TEMPLATES, values.template)) fail(`unknown template '${values.template}'; choose one of: ${Object.keys(TEMPLATES).join(', ')}`, 2)

const folder = positionals[0] ?? 'phial-app'
const target = resolve(folder)
if (existsSync(target) && readdirSync(target).length > 0 && !values.force) {
  fail(`${target} is not empty; choose another folder, or pass --force to write into it anyway`, 1)
}

const files = generate({ target, template: values.template, phialSpec: values.phial })
const shown = relative(process.cwd(), target) || '.'
process.stdout.write(`Created a Phial app (template: ${values.template}) in ${target}:
${files.map((f) => `  ${f}`).join('\n')}

Next:
${shown === '.' ? '' : `  cd ${shown.includes(' ') ? JSON.stringify(shown) : shown}\n`}  npm install
  npm run dev    # http://127.0.0.1:5000, reloads when a file changes
  npm test       # vitest with the test client
  npm start      # the production server on http://127.0.0.1:8000
`)
