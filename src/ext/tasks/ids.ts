/**
 * Task ids: 128 random bits written as 22 characters of base64url
 * (`A–Z a–z 0–9 - _`), e.g. `'x3Jq9v0bTzK1Wm8sYc-4_A'`. Like Celery's UUIDs
 * they are known before the task is queued (for `AsyncResult` and the links
 * of a chain), unique across queues and processes, and cannot be guessed
 * from one another; they are shorter because BullMQ carries the id of a job
 * in its keys, its script arguments, its stored options and its replies, so
 * each character is copied, packed and parsed several times per job (bare
 * BullMQ spent 4–8 % more CPU per job with UUIDs than with its own counter,
 * about 3 % with a short custom id: bench/OPTIMISATIONS.md, issue 16).
 */
import { randomFillSync } from 'node:crypto'

const BYTES = 16
/** Ids made from one fill of the pool (one call into the system's random source per 256 ids, as randomUUID caches 128). */
const BATCH = 256
const pool = Buffer.alloc(BYTES * BATCH)
let next = BATCH

/**
 * A new task id: 22 URL-safe characters, never a whole number (BullMQ's rule
 * for custom ids) and never containing ':'.
 *
 * @example
 * ```ts
 * newTaskId() // 'x3Jq9v0bTzK1Wm8sYc-4_A'
 * ```
 */
export function newTaskId(): string {
  if (next === BATCH) {
    randomFillSync(pool)
    next = 0
  }
  const start = next++ * BYTES
  const id = pool.toString('base64url', start, start + BYTES)
  // All 22 characters digits: about once in 10^17 ids, but BullMQ would refuse it.
  return id.charCodeAt(0) <= 57 && /^\d+$/.test(id) ? newTaskId() : id
}
