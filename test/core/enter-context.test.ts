/**
 * runInContext / runOutsideContext: the same behaviour as
 * `contextStorage.run` / `exit` on the Node running the suite (CI runs it on
 * 20 and on 24, where they take different paths): the store inside, the
 * prior store after (also after a throw), promises and timers made inside
 * keeping it, nesting, and an ALS of another library left as it was.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { describe, expect, it } from 'vitest'
import { Context, contextStorage } from '../../src/core/context.ts'
import { runInContext, runOutsideContext } from '../../src/core/enter-context.ts'
import { makeApp } from './helpers.ts'

function contexts(): [Context, Context] {
  const app = makeApp()
  return [new Context(app, null), new Context(app, null)]
}

describe('runInContext', () => {
  it('makes ctx active inside, passes the arguments and the result through, and restores the prior store', () => {
    const [outer, inner] = contexts()
    expect(contextStorage.getStore()).toBeUndefined()
    const seen = runInContext(outer, (a: number, b: string) => {
      const inside = runInContext(inner, () => contextStorage.getStore())
      return [a, b, inside, contextStorage.getStore()]
    }, 1, 'two')
    expect(seen).toEqual([1, 'two', inner, outer])
    expect(seen[2]).toBe(inner)
    expect(seen[3]).toBe(outer)
    expect(contextStorage.getStore()).toBeUndefined()
  })

  it('restores the prior store when fn throws', () => {
    const [outer, inner] = contexts()
    runInContext(outer, () => {
      expect(() => runInContext(inner, () => { throw new Error('boom') })).toThrow('boom')
      expect(contextStorage.getStore()).toBe(outer)
    })
  })

  it('keeps ctx for the promises and timers started inside, not for what runs after', async () => {
    const [ctx] = contexts()
    const later = runInContext(ctx, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      const fromTimer = await new Promise((resolve) => setImmediate(() => resolve(contextStorage.getStore())))
      return [contextStorage.getStore(), fromTimer]
    })
    expect(contextStorage.getStore()).toBeUndefined()
    const [afterAwait, fromTimer] = await later
    expect(afterAwait).toBe(ctx)
    expect(fromTimer).toBe(ctx)
  })

  it('leaves the stores of other AsyncLocalStorage instances as they were', async () => {
    const other = new AsyncLocalStorage<string>()
    const [ctx] = contexts()
    await other.run('theirs', async () => {
      const inside = await runInContext(ctx, async () => {
        await Promise.resolve()
        return [other.getStore(), contextStorage.getStore()]
      })
      expect(inside).toEqual(['theirs', ctx])
      expect(other.getStore()).toBe('theirs')
    })
  })

  it('is a plain call when ctx is already active', () => {
    const [ctx] = contexts()
    runInContext(ctx, () => {
      expect(runInContext(ctx, () => contextStorage.getStore())).toBe(ctx)
    })
  })
})

describe('runOutsideContext', () => {
  it('runs fn with no context, for what it starts too, and restores the context after', async () => {
    const [ctx] = contexts()
    await runInContext(ctx, async () => {
      const started = runOutsideContext((x: number) => {
        expect(contextStorage.getStore()).toBeUndefined()
        return new Promise((resolve) => setTimeout(() => resolve([x, contextStorage.getStore()]), 1))
      }, 7)
      expect(contextStorage.getStore()).toBe(ctx)
      expect(await started).toEqual([7, undefined])
      expect(contextStorage.getStore()).toBe(ctx)
    })
  })
})
