/**
 * JSON for Phial: the app's JSON provider (`app.json`, Flask's
 * `DefaultJSONProvider`), the tagged serializer of the session cookie
 * (Flask's `TaggedJSONSerializer`) and the {@link UUID} value type.
 *
 * @module
 */
export { DefaultJSONProvider, JSONProvider, type DumpsOptions, type JSONProviderApp, type JSONResponseInit } from './provider.ts'
export {
  JSONTag,
  PassDict,
  PassList,
  TagBytes,
  TagDateTime,
  TagDict,
  TaggedJSONSerializer,
  TagMarkup,
  TagTuple,
  TagUUID,
  type JSONTagClass,
  type RegisterTagOptions,
} from './tag.ts'
export { UUID } from './uuid.ts'
export { asciiEscape, httpDate, parseHttpDate } from './text.ts'
