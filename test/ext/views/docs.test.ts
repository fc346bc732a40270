/**
 * docs/views.md: its examples run and print what their comments say.
 */
import { docsSuite } from './docs-runner.ts'

docsSuite('views.md', new URL('./', import.meta.url))
