import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

export default defineConfig({
  resolve: {
    conditions: ['source'],
    // the examples import the package by name, as users do
    alias: [
      { find: /^phial$/, replacement: src('index.ts') },
      { find: /^phial\/signing$/, replacement: src('signing/index.ts') },
      { find: /^phial\/(.+)$/, replacement: src('ext/$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
