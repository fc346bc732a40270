import { runDocsPage } from '../cors/run-docs.ts'

runDocsPage('security.md', 1)
