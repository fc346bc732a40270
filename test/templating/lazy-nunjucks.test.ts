/**
 * Nunjucks loads on first use, not at `import 'phial'`; `Markup`,
 * `escape` and `markSafe` values made before it loads are safe strings to
 * templates and to Nunjucks' own filters all the same. Runs
 * lazy-nunjucks.child.ts in a process of its own (a fresh module cache).
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CHILD = fileURLToPath(new URL('./lazy-nunjucks.child.ts', import.meta.url))

describe('Nunjucks on first use', () => {
  it('is not loaded by import or by Markup, and Markup made before it loads stays safe', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
    const result = JSON.parse(out) as Record<string, unknown>
    expect(result).toEqual({
      afterImport: false,
      afterMarkup: false,
      afterRender: true,
      json: '{"html":"\\u003cb\\u003em\\u003c/b\\u003e"}',
      // Markup, escape() and markSafe() print as they are, plain text is escaped; |safe and
      // |escape leave Markup alone; |upper and ~ give plain text, escaped (as before)
      body: '<b>m</b> &lt;i&gt; <u>s</u> &lt;r&gt; <b>m</b> <b>m</b> &lt;B&gt;M&lt;/B&gt; &lt;b&gt;m&lt;/b&gt;&lt;x&gt;',
      markupIsSafeString: true,
      newMarkupIsSafeString: true,
      markSafeIsSafeString: true,
      escapeOfNunjucksSafe: '<k>',
      markupOfNunjucksSafe: '<k>',
      length: 8,
    })
  }, 30_000)
})
