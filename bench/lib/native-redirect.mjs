/**
 * Preloaded (`--import <this file>?better-sqlite3=<folder>`) by benchmark
 * servers that run on another Node than the tree's node_modules was built
 * for: resolves `better-sqlite3`, from `import` and `require` alike (TypeORM
 * requires it), to the copy built for this Node (see nativeAddonArgs in
 * node-runtime.ts). Every other specifier resolves as usual.
 */
import { registerHooks } from 'node:module'
import { pathToFileURL } from 'node:url'

const folder = new URL(import.meta.url).searchParams.get('better-sqlite3')
if (!folder) throw new Error('native-redirect.mjs: no better-sqlite3 folder in its URL')
const target = pathToFileURL(`${folder}/lib/index.js`).href

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'better-sqlite3') return { url: target, format: 'commonjs', shortCircuit: true }
    return nextResolve(specifier, context)
  },
})
