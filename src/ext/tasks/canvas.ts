/**
 * Celery's canvas, the two primitives most apps use: `chain` (one task after
 * another, each getting the previous result as its first argument) and
 * `group` (tasks in parallel, results in order).
 */
import type { ChainLink } from './backend.ts'
import { ChainResult, GroupResult, type AsyncResult } from './result.ts'
import type { Signature } from './task.ts'

/**
 * A chain of signatures, not sent yet.
 *
 * @example
 * ```ts
 * const result = await chain(fetchPage.s(url), parsePage.s(), store.s()).applyAsync()
 * ```
 */
export class Chain<R = unknown> {
  constructor(readonly links: readonly Signature[]) {
    if (links.length === 0) throw new TypeError('chain() needs at least one signature, e.g. chain(add.s(2, 2), mul.s(4)).')
  }

  /**
   * Sends the first task; the worker that finishes a link sends the next one.
   * The first link's options (`countdown`, `eta`, `priority`) apply to it; each
   * later link keeps its own `queue` and `priority`.
   *
   * @example
   * ```ts
   * const result = await chain(add.s(2, 2), mul.s(8)).applyAsync()
   * await result.get() // 32
   * ```
   */
  async applyAsync(): Promise<ChainResult<R>> {
    const [first, ...rest] = this.links as [Signature, ...Signature[]]
    const state = first.task.owner.stateFor()
    const tail: ChainLink[] = rest.map((sig) => state.linkFor(sig))
    const head = await state.applyChain(first, tail)
    const results: AsyncResult[] = [head, ...tail.map((link) => state.result(link.id, link.task, [link.queue]))]
    const last = results[results.length - 1]!
    return new ChainResult<R>(last, results.slice(0, -1), state.resultSource())
  }

  /** The same as {@link applyAsync}. @example await chain(a.s(), b.s()).delay() */
  delay(): Promise<ChainResult<R>> {
    return this.applyAsync()
  }
}

/**
 * `chain(a.s(1), b.s(), c.s())`: run a, then b with a's result first, then c.
 *
 * @example
 * ```ts
 * const result = await chain(add.s(4, 4), mul.s(8)).applyAsync()
 * await result.get({ timeout: 5 }) // 64
 * ```
 */
export function chain<R = unknown>(...links: Signature[]): Chain<R> {
  return new Chain<R>(links.flat())
}

/**
 * A group of signatures, not sent yet.
 *
 * @example
 * ```ts
 * const results = await group(urls.map((u) => fetchPage.s(u))).applyAsync()
 * ```
 */
export class Group<R extends unknown[] = unknown[]> {
  constructor(readonly members: readonly Signature[]) {}

  /** Sends every task; resolves once all are queued. @example const results = await group(a.s(), b.s()).applyAsync() */
  async applyAsync(): Promise<GroupResult<R>> {
    const results = await Promise.all(this.members.map((sig) => sig.applyAsync()))
    return new GroupResult<R>(results)
  }

  /** The same as {@link applyAsync}. @example await group(a.s(), b.s()).delay() */
  delay(): Promise<GroupResult<R>> {
    return this.applyAsync()
  }
}

/**
 * `group(a.s(1), a.s(2))` or `group([…])`: run tasks in parallel.
 *
 * @example
 * ```ts
 * const results = await group([1, 2, 3].map((n) => square.s(n))).applyAsync()
 * await results.get() // [1, 4, 9]
 * ```
 */
export function group<R extends unknown[] = unknown[]>(...members: (Signature | readonly Signature[])[]): Group<R> {
  return new Group<R>(members.flat() as Signature[])
}
