/**
 * docs/uploads.md's examples run as written, and print what they say.
 */
import { docsSuite } from '../views/docs-runner.ts'

docsSuite('uploads.md', new URL('./', import.meta.url))
