/**
 * The runnable examples of docs/json.md: every block runs and prints what
 * its comments say.
 */
import { docsSuite } from '../ext/views/docs-runner.ts'

docsSuite('json.md', new URL('./', import.meta.url))
