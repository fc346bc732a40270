/**
 * The data's types come from the fields' schemas (checked by tsc), the
 * async path, validate() without a request, reserved names, and `obj`.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { MultiDict, Phial, type FileStorage } from 'phial'
import {
  BooleanField, FileField, IntegerField, SelectField, StringField, defineForm, type DataOf, type FormData,
} from 'phial/forms'

const ProfileForm = defineForm({
  name: new StringField('Name', { schema: z.string().min(1) }),
  slug: new StringField('Slug', { schema: z.string().transform((s) => s.toLowerCase().split('-')) }),
  age: new IntegerField('Age', { required: true, schema: z.number().int() }),
  lang: new SelectField('Language', { choices: ['ts', 'py'] as const }),
  agree: new BooleanField('Agree'),
  avatar: new FileField('Avatar'),
  nickname: new StringField('Nickname'),
})

describe('typed data', () => {
  it('form.data is Partial before validation and complete, typed from each schema, after it', () => {
    const form = new ProfileForm({ formdata: new MultiDict([['name', 'Ann'], ['slug', 'A-B'], ['age', '7'], ['lang', 'py']]), meta: { csrf: false } })
    expectTypeOf(form.data).toEqualTypeOf<Partial<DataOf<typeof ProfileForm>>>()
    expect(form.validate()).toBe(true)
    if (!form.validate()) return
    expectTypeOf(form.data.slug).toEqualTypeOf<string[]>()
    expectTypeOf(form.data.age).toEqualTypeOf<number>()
    expectTypeOf(form.data.lang).toEqualTypeOf<'ts' | 'py'>()
    expectTypeOf(form.data.agree).toEqualTypeOf<boolean>()
    expectTypeOf(form.data.avatar).toEqualTypeOf<FileStorage | undefined>()
    expectTypeOf(form.data.nickname).toEqualTypeOf<string>()
    expectTypeOf(form.age.data).toEqualTypeOf<number>()
    expect(form.fields.age).toBe(form.age)
    expect(form.data).toEqual({ name: 'Ann', slug: ['a', 'b'], age: 7, lang: 'py', agree: false, avatar: undefined, nickname: '' })
  })

  it('FormData of a shape', () => {
    expectTypeOf<FormData<{ n: IntegerField<number> }>>().toEqualTypeOf<{ n: number }>()
  })

  it('a subclass may override validateForm; the hook gets typed data', () => {
    class PairForm extends defineForm({ a: new IntegerField('A', { required: true }), b: new IntegerField('B', { required: true }) }) {
      protected override validateForm(data: { a: number | undefined; b: number | undefined }): void {
        if ((data.a ?? 0) > (data.b ?? 0)) this.formErrors.push('A must not exceed B.')
      }
    }
    const form = new PairForm({ formdata: new MultiDict([['a', '5'], ['b', '2']]), meta: { csrf: false } })
    expect(form.validate()).toBe(false)
    expect(form.formErrors).toEqual(['A must not exceed B.'])
    const Hooked = defineForm({ a: new IntegerField('A', { required: true, schema: z.number() }) }, {
      validate(data, f) {
        expectTypeOf(data.a).toEqualTypeOf<number>()
        if (data.a === 13) f.a.errors.push('Unlucky.')
      },
    })
    const hooked = new Hooked({ formdata: new MultiDict([['a', '13']]), meta: { csrf: false } })
    expect(hooked.validate()).toBe(false)
    expect(hooked.errors).toEqual({ a: ['Unlucky.'] })
  })

  it('a field named like a form member is refused, by the type and at run time', () => {
    // @ts-expect-error 'data' is reserved
    expect(() => defineForm({ data: new StringField() })).toThrow("a field may not be named 'data'")
  })
})

describe('any Standard Schema library', () => {
  it('a hand-written Standard Schema (no zod) validates a field and types its data', () => {
    const even: StandardSchemaV1<number | undefined, number> = {
      '~standard': {
        version: 1,
        vendor: 'hand-written',
        validate: (v) => (typeof v === 'number' && v % 2 === 0 ? { value: v } : { issues: [{ message: 'Must be an even number.' }] }),
      },
    }
    const PairForm = defineForm({ n: new IntegerField('N', { schema: even }) })
    const bad = new PairForm({ formdata: new MultiDict([['n', '3']]), meta: { csrf: false } })
    expect(bad.validate()).toBe(false)
    expect(bad.errors).toEqual({ n: ['Must be an even number.'] })
    const good = new PairForm({ formdata: new MultiDict([['n', '4']]), meta: { csrf: false } })
    if (!good.validate()) throw new Error('expected valid')
    expectTypeOf(good.data.n).toEqualTypeOf<number>()
    expect(good.data.n).toBe(4)
  })
})

describe('validation without a request, and async schemas', () => {
  it('validate() on initial data (a GET) checks it; obj attributes win over data', () => {
    const form = new ProfileForm({ obj: { name: 'From obj', slug: 'x', age: 3, lang: 'ts' }, data: { name: 'From data' }, meta: { csrf: false } })
    expect(form.name.value).toBe('From obj')
    expect(form.age.value).toBe('3')
    expect(form.isSubmitted()).toBe(false)
    expect(form.validateOnSubmit()).toBe(false)
    expect(form.validate()).toBe(true)
  })

  it('an async schema asks for validateAsync(), which works', async () => {
    const taken = new Set(['ann'])
    const NameForm = defineForm({
      name: new StringField('Name', { schema: z.string().refine(async (n) => !taken.has(n), 'That name is taken.') }),
    })
    const form = new NameForm({ formdata: new MultiDict([['name', 'ann']]), meta: { csrf: false } })
    expect(() => form.validate()).toThrow("call 'await form.validateOnSubmitAsync()'")
    expect(await form.validateAsync()).toBe(false)
    expect(form.errors).toEqual({ name: ['That name is taken.'] })
    const ok = new NameForm({ formdata: new MultiDict([['name', 'bob']]), meta: { csrf: false } })
    expect(await ok.validateAsync()).toBe(true)
    expect(ok.data).toEqual({ name: 'bob' })
  })

  it("the form's own CSRF check reports in form.errors.csrf_token (no CSRFProtect)", async () => {
    const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
    app.config.fromMapping({ SECRET_KEY: 's', LOG_LEVEL: 'silent' })
    const NameForm = defineForm({ name: new StringField('Name') })
    app.post('/', function post() {
      const form = new NameForm()
      return { valid: form.validateOnSubmit(), errors: form.errors }
    })
    const res = await app.testClient().post('/', { form: { name: 'x' } })
    expect(res.json).toEqual({ valid: false, errors: { csrf_token: ['The CSRF token is missing.'] } })
  })
})
