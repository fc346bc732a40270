/**
 * docs/forms.md's examples run as written, and print what they say
 * (the shared runner of test/ext/views checks each `// literal`).
 */
import { docsSuite } from '../views/docs-runner.ts'

docsSuite('forms.md', new URL('./', import.meta.url))
