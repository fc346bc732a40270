/**
 * The request's `Accept-*` headers, parsed on first use.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { parseAccept, type Accept, type CharsetAccept, type LanguageAccept, type MIMEAccept } from './accept.ts'

/**
 * The four `Accept` headers of a request (`request.accept`).
 *
 * @example
 * ```ts
 * request.accept.mimetypes.bestMatch(['application/json', 'text/html'])
 * request.accept.languages.bestMatch(['en', 'fr'], 'en')
 * ```
 */
export interface AcceptHeaders {
  readonly mimetypes: MIMEAccept
  readonly languages: LanguageAccept
  readonly charsets: CharsetAccept
  readonly encodings: Accept
}

/** Lazily parses the `Accept-*` headers of a header object. */
export function parseAcceptHeaders(headers: IncomingHttpHeaders): AcceptHeaders {
  let mimetypes: MIMEAccept | undefined
  let languages: LanguageAccept | undefined
  let charsets: CharsetAccept | undefined
  let encodings: Accept | undefined
  return {
    get mimetypes() {
      return (mimetypes ??= parseAccept(headers.accept, 'mime'))
    },
    get languages() {
      return (languages ??= parseAccept(headers['accept-language'], 'language'))
    },
    get charsets() {
      return (charsets ??= parseAccept(headers['accept-charset'] as string | undefined, 'charset'))
    },
    get encodings() {
      return (encodings ??= parseAccept(headers['accept-encoding'], 'encoding'))
    },
  }
}
