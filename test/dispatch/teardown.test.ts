import { describe, expect, it } from 'vitest'
import { Phial, request } from '../../src/index.ts'

describe('testRequestContext', () => {
  it('runs teardownAppContext hooks when the block ends, sync or async', async () => {
    const app = new Phial(import.meta.url, { staticFolder: null })
    const seen: string[] = []
    app.teardownAppContext((error) => {
      seen.push(`teardown:${error === null ? 'ok' : (error as Error).message}`)
    })
    const q = app.testRequestContext('/?q=1', {}, () => request.args.get('q'))
    expect(q).toBe('1')
    await new Promise((r) => setTimeout(r, 0))
    expect(seen).toEqual(['teardown:ok'])
    await app.testRequestContext('/', {}, async () => {
      await new Promise((r) => setTimeout(r, 1))
      expect(seen).toHaveLength(1)
    })
    expect(seen).toEqual(['teardown:ok', 'teardown:ok'])
    await expect(
      app.testRequestContext('/', {}, async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(seen[2]).toBe('teardown:boom')
  })
})
