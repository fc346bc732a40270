import { describe, expect, test } from 'vitest'
import { renderTemplateString } from '../../src/index.ts'
import { fixtureApp } from './helpers.ts'

const app = fixtureApp()
const render = (source: string, context?: Record<string, unknown>): Promise<string> =>
  app.appContext(() => renderTemplateString(source, context))

describe('Jinja semantics on top of Nunjucks', () => {
  test('Python truthiness in if, not, and, or and inline if', async () => {
    const ctx = { empty: [], full: [1], none: {}, some: { a: 1 }, map: new Map(), zero: 0, text: '' }
    expect(await render('{% if empty %}y{% else %}n{% endif %}{% if full %}y{% endif %}{% if none %}y{% else %}n{% endif %}{% if some %}y{% endif %}', ctx)).toBe('nyny')
    expect(await render("{{ 'y' if map else 'n' }}|{{ not empty }}|{{ not full }}", ctx)).toBe('n|True|False')
    expect(await render("{{ empty or 'fallback' }}|{{ full and 'both' }}|{{ (empty and 'x')|length }}|{{ text or zero or 'last' }}", ctx)).toBe('fallback|both|0|last')
    expect(await render('{% if full and not empty %}ok{% elif empty %}no{% endif %}', ctx)).toBe('ok')
  })

  test('and/or short-circuit', async () => {
    expect(await render("{{ user and user.name }}|{{ user or 'anonymous' }}", { user: null })).toBe('|anonymous')
    expect(await render("{{ false and boom() }}{{ true or boom() }}")).toBe('FalseTrue')
  })

  test('{% with %} scopes its names', async () => {
    expect(await render('{% with a = 1, b = x %}{{ a }}{{ b }}{% endwith %}[{{ a }}]', { x: 2 })).toBe('12[]')
    expect(await render('{% with %}{% set y = 3 %}{{ y }}{% endwith %}')).toBe('3')
    expect(await render('{% for i in [1, 2] %}{% with d = i * 10 %}{{ loop.index }}:{{ d }} {% endwith %}{% endfor %}')).toBe('1:10 2:20 ')
  })

  test('True, False and None', async () => {
    expect(await render("{{ True }} {{ False }} {{ 'none' if None is none }} {{ x is true }}", { x: true })).toBe('True False none True')
  })

  test('Python methods: dict.items(), str methods, list methods, Map-like subscripts', async () => {
    const d = { b: 2, a: 1 }
    expect(await render('{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{{ d.keys()|join }}{{ d.get("z", 0) }}', { d })).toBe('b=2;a=1;ba0')
    expect(await render("{{ s.upper() }} {{ s.strip('x') }} {{ s.replace('x', '-') }} {{ ', '.join(['a', 'b']) }} {{ s.startswith('xa') }} {{ 'a b  c'.split()|length }}", { s: 'xabx' })).toBe('XABX ab -ab- a, b True 3')
    expect(await render("{{ 'hello world'.title() }} {{ 'x'.capitalize() }} {{ [3, 1, 3].count(3) }} {{ [3, 1].index(1) }}")).toBe('Hello World X 2 1')
    expect(await render("{{ m.key }}|{{ m['key'] }}|{{ m.items()|length }}", { m: new Map([['key', 'v']]) })).toBe('v|v|1')
  })

  test('datetime-style members on dates', async () => {
    const when = new Date(2024, 1, 9, 15, 4, 5)
    expect(await render("{{ d.strftime('%Y-%m-%d %H:%M:%S') }} {{ d.strftime('%a %d %b %Y, %I:%M %p') }} {{ d.year }}/{{ d.month }}", { d: when }))
      .toBe('2024-02-09 15:04:05 Fri 09 Feb 2024, 03:04 PM 2024/2')
  })

  test('loop.index, loop.first/last/length and loop.cycle', async () => {
    expect(await render("{% for x in xs %}{{ loop.index }}{{ loop.cycle('o', 'e') }}{% if loop.last %}/{{ loop.length }}{% endif %} {% endfor %}", { xs: ['a', 'b', 'c'] }))
      .toBe('1o 2e 3o/3 ')
  })

  test('tojson is safe in <script>', async () => {
    expect(await render('<script>var data = {{ data|tojson }};</script>', { data: { html: "</script><b>'&'</b>", n: [1, null] } }))
      .toBe('<script>var data = {"html":"\\u003c/script\\u003e\\u003cb\\u003e\\u0027\\u0026\\u0027\\u003c/b\\u003e","n":[1,null]};</script>')
    expect(await render('{{ x|tojson(indent=2) }}', { x: { a: 1 } })).toBe('{\n  "a": 1\n}')
    expect(await render('{{ missing|tojson }}')).toBe('null')
  })

  test('format and filesizeformat', async () => {
    expect(await render("{{ '%s has %d items (%.1f%%)'|format('cart', 3, 12.345) }}|{{ '%(n)05d'|format(n=42) }}|{{ '%-4s|'|format('a') }}|{{ '%r'|format('x') }}")).toBe("cart has 3 items (12.3%)|00042|a   ||&#39;x&#39;")
    expect(await render('{{ 1|filesizeformat }} {{ 999|filesizeformat }} {{ 1500|filesizeformat }} {{ 1048576|filesizeformat(true) }}')).toBe('1 Byte 999 Bytes 1.5 kB 1.0 MiB')
  })

  test('map, selectattr, rejectattr, groupby, unique, min, max, items, attr, xmlattr, count', async () => {
    const users = [
      { name: 'ann', city: 'Oslo', admin: true, age: 30 },
      { name: 'bob', city: 'Bergen', admin: false, age: 25 },
      { name: 'cid', city: 'Oslo', admin: false, age: 35 },
    ]
    expect(await render("{{ users|map(attribute='name')|join(',') }}|{{ ['a','b']|map('upper')|join }}", { users })).toBe('ann,bob,cid|AB')
    expect(await render("{{ users|selectattr('admin')|map(attribute='name')|join }}|{{ users|rejectattr('admin')|map(attribute='name')|join }}|{{ users|selectattr('age', 'gt', 28)|map(attribute='name')|join }}", { users })).toBe('ann|bobcid|anncid')
    expect(await render("{% for city, people in users|groupby('city') %}{{ city }}:{{ people|length }};{% endfor %}{% for g in users|groupby('city') %}{{ g.grouper }}{% endfor %}", { users })).toBe('Bergen:1;Oslo:2;BergenOslo')
    expect(await render("{{ ['a', 'A', 'b']|unique|join }}|{{ users|min(attribute='age')|attr('name') }}|{{ users|max(attribute='age')|attr('name') }}|{{ [3, 9, 2]|max }}", { users })).toBe('ab|bob|cid|9')
    expect(await render("{% for k, v in d|items %}{{ k }}{{ v }}{% endfor %}|<p{{ {'class': 'x<', 'id': none}|xmlattr }}>|{{ users|count }}", { d: { a: 1 }, users })).toBe('a1|<p class="x&lt;">|3')
  })

  test("Nunjucks' filters take Jinja's keyword arguments", async () => {
    const posts = [{ title: 'b', n: 2 }, { title: 'a', n: 1 }]
    expect(await render("{{ posts|sort(attribute='title')|join(', ', attribute='title') }}|{{ posts|sort(reverse=true, attribute='n')|map(attribute='n')|join }}|{{ posts|sum(attribute='n') }}", { posts })).toBe('a, b|21|3')
    expect(await render("{{ 'hello wonderful world'|truncate(length=10, end='…') }}|{{ x|default('d', boolean=true) }}|{{ 3.14159|round(precision=2) }}|{{ 'x'|int(default=7) }}", { x: '' })).toBe('hello…|d|3.14|7')
    expect(await render("{{ d|dictsort(by='value', reverse=true)|first|first }}", { d: { a: 1, b: 2 } })).toBe('b')
    await expect(render("{{ [1]|sort(nope=1) }}")).rejects.toThrow(/'sort' got an unexpected keyword argument 'nope'/)
  })

  test("Jinja's tests", async () => {
    expect(await render("{{ 1 is integer }}{{ 1.5 is float }}{{ true is boolean }}{{ 'a' is in('abc') }}{{ 2 is in([1, 2]) }}{{ [] is sequence }}{{ 'upper' is filter }}{{ 'odd' is test }}")).toBe('TrueTrueTrueTrueTrueTrueTrueTrue')
  })

  test('slices and subscripts', async () => {
    const xs = [1, 2, 3, 4, 5]
    expect(await render("{{ xs[:2]|join }}|{{ xs[3:]|join }}|{{ xs[::-1]|join }}|{{ xs[-2:]|join }}|{{ xs[1:4:2]|join }}|{{ 'hello'[1:3] }}|{{ xs[0] }}|{{ d['k'][1:] }}", { xs, d: { k: 'abc' } }))
      .toBe('12|45|54321|45|24|el|1|bc')
    expect(await render('{% for x in xs[:2] %}{{ x }}{% endfor %}|{{ f()[1:] }}', { xs, f: () => 'xyz' })).toBe('12|yz')
  })

  test('a test takes one argument without parentheses', async () => {
    expect(await render('{% for i in range(1, 7) %}{% if i is divisibleby 3 %}{{ i }}{% endif %}{% endfor %}|{{ 2 is in [1, 2] }}|{{ x is sameas false }}|{{ 3 is not gt 4 }}', { x: false }))
      .toBe('36|True|True|True')
    expect(await render("{{ 'a' if x is defined else 'b' }}")).toBe('b')
  })

  test('one trailing newline is dropped, like Jinja (keepTrailingNewline keeps it)', async () => {
    expect(await render('a\n')).toBe('a')
    expect(await render('a\n\n')).toBe('a\n')
    const other = fixtureApp()
    other.templateEnvironment.keepTrailingNewline = true
    expect(await other.appContext(() => renderTemplateString('a\n'))).toBe('a\n')
  })

  test("escaping matches MarkupSafe's", async () => {
    expect(await render('{{ s }}|{{ s|e }}', { s: `<a href="x">Tom & Jerry's</a>\\` })).toBe(
      '&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;\\|&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;\\',
    )
  })

  test('dict() global', async () => {
    expect(await render("{{ dict(a=1, b='x')|tojson }}")).toBe('{"a":1,"b":"x"}')
  })
})
