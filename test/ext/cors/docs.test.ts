import { runDocsPage } from './run-docs.ts'

runDocsPage('cors.md', 8)
