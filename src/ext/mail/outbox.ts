/**
 * The list `mail.recordMessages()` fills.
 */
import type { Message } from './message.ts'

/**
 * The messages sent since `recordMessages()`: an array, with `stop()`.
 *
 * @example
 * ```ts
 * const outbox = mail.recordMessages()
 * await mail.send(msg)
 * outbox.length      // 1
 * outbox.stop()
 * ```
 */
export class Outbox extends Array<Message> {
  // map/filter/slice give plain arrays, not outboxes.
  static override get [Symbol.species](): ArrayConstructor {
    return Array
  }

  /** Stops recording. */
  stop: () => void = () => {}
}
