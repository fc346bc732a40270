/**
 * An unknown (or failing) filter is reported at its own line and column
 * (issue 9's last item): before, Nunjucks recorded positions only before
 * function calls, so `{{ x | nosuch }}` on line 3 was "line 1, column 1".
 * Jinja reports the line of the filter (its TemplateAssertionError for an
 * unknown filter is raised at compile time with the line).
 */
import { describe, expect, it } from 'vitest'
import { Phial, TemplateError, renderTemplateString } from '../../src/index.ts'

function appWith(): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.LOG_LEVEL = 'silent'
  return app
}

async function failure(app: Phial, source: string): Promise<TemplateError> {
  return (await app.appContext(() => renderTemplateString(source, { x: 1 })).catch((e: unknown) => e)) as TemplateError
}

describe('filter errors carry the filter position', () => {
  it('an unknown filter on line 3', async () => {
    const err = await failure(appWith(), 'a\nb\n  {{ x | nosuch }}\n')
    expect(err).toBeInstanceOf(TemplateError)
    expect([err.lineno, err.colno]).toEqual([3, 10])
    expect(err.message).toBe('In template string, line 3, column 10: filter not found: nosuch')
  })

  it('a filter that throws, after a function call on an earlier line', async () => {
    const app = appWith()
    app.templateFilter('explode', () => { throw new RangeError('bad value') })
    app.templateGlobal('f', () => 'ok')
    const err = await failure(app, '{{ f() }}\n\n\n{% if x %}\n    {{ x|explode }}{% endif %}')
    expect([err.lineno, err.colno]).toEqual([5, 10])
    expect(err.message).toContain('RangeError: bad value')
  })

  it('chained filters: the one that fails is named by its position', async () => {
    const err = await failure(appWith(), '{{ x | string\n   | nosuch }}')
    expect([err.lineno, err.colno]).toEqual([2, 6])
  })
})
