/**
 * Generated inputs of the benchmark: static files, the 1 MB JSON body, the
 * 10 MB multipart body, and `shared.json` (the data of servers/shared.ts for
 * the Flask app). Written once into `bench/.fixtures/` (git-ignored).
 */
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FORTUNES, GITHUB_ROUTES, SECRET, extraRoutes, toWerkzeug } from '../servers/shared.ts'

/** Paths of the generated files. */
export interface Fixtures {
  readonly dir: string
  readonly jsonBody: string
  readonly uploadBody: string
  readonly uploadContentType: string
  readonly uploadSize: number
  readonly jsonItems: number
}

const BOUNDARY = '----phialbench7MA4YWxkTrZu0gW'
const UPLOAD_SIZE = 10 * 1024 * 1024
/** Stays under Fastify's and koa-body's default 1 MiB limit, as the "1 MB" says. */
const JSON_TARGET = 1_000_000

function bytes(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

function jsonDocument(): { text: string; items: number } {
  const items: unknown[] = []
  let size = 2
  for (let i = 0; ; i++) {
    const item = { id: i, name: `item ${i}`, tags: ['bench', 'json'], price: i * 1.25, active: i % 2 === 0 }
    const length = JSON.stringify(item).length + 1
    if (size + length > JSON_TARGET) break
    items.push(item)
    size += length
  }
  return { text: JSON.stringify(items), items: items.length }
}

/**
 * Writes the fixtures (again only when missing or from an older layout).
 *
 * @example
 * ```ts
 * const fx = makeFixtures('bench/.fixtures')
 * ```
 */
export function makeFixtures(dir: string): Fixtures {
  const version = '3'
  const stamp = join(dir, 'VERSION')
  const staticDir = join(dir, 'static')
  const json = jsonDocument()
  const fixtures: Fixtures = {
    dir,
    jsonBody: join(dir, 'body-1mb.json'),
    uploadBody: join(dir, 'body-10mb.multipart'),
    uploadContentType: `multipart/form-data; boundary=${BOUNDARY}`,
    uploadSize: UPLOAD_SIZE,
    jsonItems: json.items,
  }
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === version) return fixtures
  mkdirSync(staticDir, { recursive: true })
  const css = Array.from({ length: 120 }, (_, i) => `.row-${i} { margin: ${i % 7}px; color: #${(i * 2654435761 % 0xffffff).toString(16).padStart(6, '0')}; }`).join('\n')
  writeFileSync(join(staticDir, 'small.css'), css + '\n')
  writeFileSync(join(staticDir, 'big.bin'), bytes(1024 * 1024, 42))
  writeFileSync(fixtures.jsonBody, json.text)
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nbench upload\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="upload.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`)
  writeFileSync(fixtures.uploadBody, Buffer.concat([head, bytes(UPLOAD_SIZE, 7), tail]))
  writeFileSync(
    join(dir, 'shared.json'),
    JSON.stringify({
      secret: SECRET,
      routes: GITHUB_ROUTES.map(toWerkzeug),
      extraRoutes: extraRoutes(1000).map(toWerkzeug),
      fortunes: FORTUNES,
    }),
  )
  writeFileSync(stamp, version)
  return fixtures
}
