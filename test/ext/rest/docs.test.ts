/**
 * docs/rest.md: every ```ts block marked `<!-- run -->` runs, and each
 * console.log prints the value its `// comment` shows.
 */
import { docsSuite } from '../views/docs-runner.ts'

docsSuite('rest.md', new URL('./', import.meta.url))
