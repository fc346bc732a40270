#!/usr/bin/env node
// The `phial` command. From an installed package it runs dist/; in the
// repository (no dist/) it runs the TypeScript sources through tsx, and
// resolves packages with the `source` export condition so that apps
// importing 'phial' get the sources too.
// PHIAL_CLI_FROM_SOURCE=1 runs the sources even when dist/ exists.
import { existsSync } from 'node:fs'
import { register as registerHooks } from 'node:module'
import { fileURLToPath } from 'node:url'

const binPath = fileURLToPath(import.meta.url)
const built = new URL('../dist/cli/main.js', import.meta.url)

let mainUrl = built.href
if (!existsSync(built) || process.env.PHIAL_CLI_FROM_SOURCE === "1") {
  const { register } = await import('tsx/esm/api')
  register()
  const hook = 'export async function resolve(s, c, next) { return next(s, c.conditions.includes("source") ? c : { ...c, conditions: [...c.conditions, "source"] }) }'
  registerHooks(`data:text/javascript,${encodeURIComponent(hook)}`)
  globalThis[Symbol.for('phial.tsx-registered')] = true
  mainUrl = new URL('../src/cli/main.ts', import.meta.url).href
}

const { main } = await import(mainUrl)
const code = await main(process.argv.slice(2), { binPath })
process.exit(code)
