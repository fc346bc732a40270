/**
 * Property tests: whatever a user submits, a re-rendered widget holds it
 * escaped — one element, its value attribute decoding back to the input.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MultiDict } from 'phial'
import { StringField, TextAreaField, defineForm } from 'phial/forms'

const EchoForm = defineForm({ q: new StringField('Q'), body: new TextAreaField('Body') })

function unescape(html: string): string {
  return html.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

describe('re-rendering submitted values', () => {
  it('an input is one tag whose value decodes to what was sent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const form = new EchoForm({ formdata: new MultiDict([['q', text], ['body', text]]), meta: { csrf: false } })
        const input = String(form.q)
        expect(input.match(/</g)?.length).toBe(1)
        expect(input.endsWith('">')).toBe(true)
        const value = /value="([^"]*)">$/.exec(input)?.[1]
        expect(value).toBeDefined()
        expect(unescape(value!)).toBe(text)
        const area = String(form.body)
        expect(area.match(/</g)?.length).toBe(2) // <textarea ...> and </textarea>
        expect(unescape(area.slice(area.indexOf('>') + 3, -'</textarea>'.length))).toBe(text)
      }),
      { numRuns: 300 },
    )
  })
})
