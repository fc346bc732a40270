import { runDocsPage } from '../cors/run-docs.ts'

runDocsPage('talisman.md', 9)
