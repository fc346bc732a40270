#!/usr/bin/env node
/**
 * A build check (not shipped), run by bin/bundle-package.mjs:
 * `node bin/check-export-names.mjs <dist> <bundle> <entry>…` imports each entry point from tsc's output
 * and from the bundle (same layout) and fails when an exported function or class is missing from the
 * bundle or named differently there (`fn.name` shows in endpoints made from view functions, in error
 * names and stack traces). An entry whose dependencies cannot be loaded from tsc's output is skipped.
 */
import { relative } from 'node:path'
import { pathToFileURL } from 'node:url'

const [dist, bundle, ...entries] = process.argv.slice(2)
const problems = []
for (const entry of entries) {
  const file = relative('dist', entry)
  let before
  try {
    before = await import(pathToFileURL(`${dist}/${file}`).href)
  } catch {
    continue
  }
  const after = await import(pathToFileURL(`${bundle}/${file}`).href)
  for (const [name, value] of Object.entries(before)) {
    if (typeof value !== 'function') continue
    const bundled = after[name]
    if (typeof bundled !== 'function') problems.push(`${entry}: export ${name} is missing from the bundle`)
    else if (bundled.name !== value.name) problems.push(`${entry}: export ${name} is named '${bundled.name}' in the bundle, '${value.name}' before`)
  }
}
if (problems.length > 0) {
  process.stdout.write(problems.join('\n') + '\n')
  process.exit(1)
}
// the imports above may leave handles open (a logger's timer, a pool): the answer is in
process.exit(0)
