/**
 * Real services for the login tests (Redis for server-side sessions): a test
 * whose service is absent skips with a printed reason, and fails when
 * PHIAL_REQUIRE_SERVICES=1 (CI).
 */
import { connect } from 'node:net'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Whether Redis answers PING at `url` (within half a second). */
export function redisUp(url = REDIS_URL): Promise<boolean> {
  const u = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 6379) })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => done(chunk.toString().includes('+PONG')))
  })
}

/** True when the service is up; else prints why its tests skip, or throws under PHIAL_REQUIRE_SERVICES=1. */
export async function service(name: string, up: Promise<boolean>, where: string): Promise<boolean> {
  if (await up) return true
  const message = `${name} is not reachable at ${where}`
  if (process.env.PHIAL_REQUIRE_SERVICES === '1') throw new Error(`${message}, and PHIAL_REQUIRE_SERVICES=1 requires it`)
  console.warn(`[skip] ${message}: its tests are skipped (start it, or set PHIAL_REQUIRE_SERVICES=1 to make this a failure)`)
  return false
}
