#!/usr/bin/env node
// The `phial` command. From an installed package it runs the compiled dist/.
// In a checkout of the repository (a .git next to src/) it runs the
// TypeScript sources through tsx, even when a dist/ was built (that one goes
// stale as soon as src/ changes), and resolves packages with the `source`
// export condition so that apps importing 'phial' get the sources too.
// PHIAL_CLI_FROM_SOURCE=1 runs the sources anywhere they exist;
// PHIAL_CLI_FROM_DIST=1 runs a checkout's dist/ (to try a build).
import { existsSync } from 'node:fs'
import { register as registerHooks } from 'node:module'
import { fileURLToPath } from 'node:url'

const binPath = fileURLToPath(import.meta.url)
const built = new URL('../dist/cli/main.js', import.meta.url)
const sources = new URL('../src/cli/main.ts', import.meta.url)
const checkout = existsSync(new URL('../.git', import.meta.url)) && existsSync(sources)
const fromSource = process.env.PHIAL_CLI_FROM_SOURCE === '1' || !existsSync(built) || (checkout && process.env.PHIAL_CLI_FROM_DIST !== '1')

let mainUrl = built.href
if (fromSource) {
  const { register } = await import('tsx/esm/api')
  register()
  const hook = 'export async function resolve(s, c, next) { return next(s, c.conditions.includes("source") ? c : { ...c, conditions: [...c.conditions, "source"] }) }'
  registerHooks(`data:text/javascript,${encodeURIComponent(hook)}`)
  globalThis[Symbol.for('phial.tsx-registered')] = true
  mainUrl = sources.href
}

const { main } = await import(mainUrl)
const code = await main(process.argv.slice(2), { binPath })
process.exit(code)
