/**
 * DEBUG alone does not swallow an error that TESTING or PROPAGATE_EXCEPTIONS
 * propagate (Flask raises whenever propagation holds; its debugger is
 * middleware, which Phial's debug page stands in for only under DEBUG alone).
 * Ports the meaning of Flask's test_basic.py test_exception_propagation
 * (parametrised over DEBUG / TESTING / PROPAGATE_EXCEPTIONS).
 */
import { describe, expect, it } from 'vitest'
import { makeApp } from '../core/helpers.ts'

function appRaising() {
  const app = makeApp()
  app.get('/', function index() { throw new RangeError('propagated') })
  return app
}

describe('test_exception_propagation', () => {
  it.each([
    ['TESTING', { TESTING: true }],
    ['PROPAGATE_EXCEPTIONS', { PROPAGATE_EXCEPTIONS: true }],
    ['TESTING and DEBUG', { TESTING: true, DEBUG: true }],
    ['PROPAGATE_EXCEPTIONS and DEBUG', { PROPAGATE_EXCEPTIONS: true, DEBUG: true }],
  ] as const)('%s: the test client raises', async (_name, config) => {
    const app = appRaising()
    Object.assign(app.config, config)
    await expect(app.testClient().get('/')).rejects.toThrow(RangeError)
  })

  it('DEBUG alone: the traceback page, a 500', async () => {
    const app = appRaising()
    app.config.DEBUG = true
    const rv = await app.testClient().get('/')
    expect(rv.status).toBe(500)
    expect(rv.text).toContain('RangeError: propagated')
  })

  it('nothing set, or PROPAGATE_EXCEPTIONS=false with TESTING: a plain 500', async () => {
    const app = appRaising()
    expect((await app.testClient().get('/')).status).toBe(500)
    app.config.TESTING = true
    app.config.PROPAGATE_EXCEPTIONS = false
    expect((await app.testClient().get('/')).status).toBe(500)
  })
})
