/**
 * `node:http`, loaded with `require`.
 *
 * Why not `import { createServer } from 'node:http'`: the first ES-module
 * import of a built-in makes Node build its module facade, which reads every
 * export once — on Node 24 that includes `http.WebSocket`, `CloseEvent` and
 * `MessageEvent`, lazy getters that load and compile undici: ~45 ms of CPU
 * at startup (of ~200), for classes Phial never uses. `require` returns the
 * same module object without the facade. (Node 20 has no such getters; the
 * cost returns if anything else in the process imports `node:http` as an ES
 * module, which the user's own code may do.)
 *
 * @module
 */
import { createRequire } from 'node:module'

/** The `node:http` module (the same object an `import` gives). */
export const nodeHttp: typeof import('node:http') = createRequire(import.meta.url)('node:http')
