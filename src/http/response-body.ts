/**
 * Response bodies as the servers see them: which statuses carry none, a Node
 * stream over any streamed body, and dropping a body that will not be sent.
 * One place for the three adapters and `sendFile`.
 *
 * @module
 */
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeWebStream } from 'node:stream/web'
import { FileBody } from './response.ts'

/**
 * Statuses that never carry a body (1xx, 204, 304).
 *
 * @example
 * ```ts
 * isBodiless(304) // true
 * ```
 */
export function isBodiless(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200)
}

/** True for bodies that are sent as a stream (streams, iterables, files), not as bytes in memory. */
export function isStreamedBody(body: unknown): boolean {
  return body !== null && body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)
}

/** A Node stream for any streamed body (a Node or WHATWG stream, a file, an async iterable). */
export function bodyStream(body: unknown): Readable {
  if (body instanceof Readable) return body
  if (body instanceof FileBody) {
    return body.length > 0 ? createReadStream(body.path, { start: body.start, end: body.end }) : Readable.from([])
  }
  if (body instanceof ReadableStream) return Readable.fromWeb(body as NodeWebStream)
  return Readable.from(body as AsyncIterable<Uint8Array | string>)
}

/** Drops a streamed body that will not be sent (HEAD, 204, 304, a failed write), freeing what it holds. */
export function discardBody(body: unknown): void {
  if (body instanceof Readable) body.destroy()
  else if (body instanceof ReadableStream) void body.cancel().catch(() => {})
}
