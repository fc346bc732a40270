/**
 * Any Host is accepted unless TRUSTED_HOSTS is set (issue 18): in production
 * (neither DEBUG nor TESTING) with neither SERVER_NAME nor TRUSTED_HOSTS,
 * the first external URL built from the request's Host logs one warning —
 * a password-reset link would otherwise point wherever the client said.
 * Before, nothing was logged.
 */
import { describe, expect, it } from 'vitest'
import { urlFor } from '../../src/index.ts'
import { makeApp, recordLogs } from './helpers.ts'

function app(config: Record<string, unknown> = {}) {
  const a = makeApp()
  Object.assign(a.config, config)
  a.get('/reset', function reset() { return urlFor('reset', {}, { _external: true }) })
  a.get('/local', function local() { return urlFor('reset') })
  const logs = recordLogs(a, 'warn')
  return { a, logs }
}

const warnings = (logs: { level: number; msg: string }[]) => logs.filter((l) => l.level === 40 && l.msg.includes('TRUSTED_HOSTS'))

describe('the Host warning', () => {
  it('warns once at the first external URL built from Host in production', async () => {
    const { a, logs } = app()
    const c = a.testClient()
    expect((await c.get('/local')).text).toBe('/reset')
    expect(warnings(logs)).toHaveLength(0) // a relative URL does not use the Host
    expect((await c.get('/reset', { headers: { Host: 'evil.example' } })).text).toBe('http://evil.example/reset')
    await c.get('/reset')
    expect(warnings(logs)).toHaveLength(1)
    expect(warnings(logs)[0]!.msg).toContain('SERVER_NAME')
  })

  it('is quiet with TRUSTED_HOSTS, SERVER_NAME, DEBUG or TESTING', async () => {
    for (const config of [{ TRUSTED_HOSTS: ['localhost'] }, { SERVER_NAME: 'localhost' }, { DEBUG: true }, { TESTING: true }]) {
      const { a, logs } = app(config)
      await a.testClient().get('/reset')
      expect([config, warnings(logs)]).toEqual([config, []])
    }
  })
})
