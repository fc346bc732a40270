/**
 * Run by redos.test.ts in a child process: generated rules with several
 * converters in one segment (and custom converter regexes), matched
 * against adversarial paths of about 8,000 characters. Prints one line per
 * case before matching it (so a hang names its case) and a JSON summary.
 */
import fc from 'fast-check'
import { BaseConverter, Rule, RuleError, UrlMap } from '../../src/routing/index.ts'

const LENGTH = Number(process.argv[2] ?? 8000)
const SEED = Number(process.argv[3] ?? 18)

class SlugConverter extends BaseConverter {
  override regex = '[a-z0-9]+(?:-[a-z0-9]+)*'
}
class NestedConverter extends BaseConverter {
  // nested quantifiers: exponential on a backtracking engine
  override regex = '(?:a|a)*(?:a+)+b?'
}
class ListConverter extends BaseConverter {
  override regex = '[^/,]+(?:,[^/,]+)*'
}

const converters = fc.constantFrom(
  '', 'string:', 'int:', 'int(signed=True):', 'float:', 'string(minlength=2):', 'string(maxlength=40):',
  'any(a, aa, b):', 'slug:', 'nested:', 'list:', 'uuid:', 'string(maxlength=120):', 'string(maxlength=700):',
)
const separators = fc.constantFrom('-', '--', '.', '_', ',', 'a', '', '-x-')
const segment = fc.array(fc.tuple(converters, separators), { minLength: 2, maxLength: 5 })
const rules = fc.tuple(segment, fc.boolean(), fc.boolean()).map(([parts, pathFirst, trailing]) => {
  let text = ''
  parts.forEach(([conv, sep], i) => {
    text += `<${conv}v${i}>` + (i < parts.length - 1 ? sep : '')
  })
  return (pathFirst ? '/<path:p>/x/' : '/s/') + text + (trailing ? '/' : '')
})

const unit = ['-', 'a', '1', '1.', 'a-', '-1', 'aa', ',', '1-a', 'x-', '.', '_a']
function adversarial(prefix: string): string[] {
  const paths: string[] = []
  for (const u of unit) {
    const body = u.repeat(Math.ceil(LENGTH / u.length)).slice(0, LENGTH)
    paths.push(prefix + body + '!', prefix + body, prefix + body + '/')
  }
  return paths
}

const sampled = fc.sample(rules, { numRuns: 40, seed: SEED })
let worst = { ms: 0, rule: '', path: '' }
let cases = 0
let refused = 0
for (const ruleText of new Set(sampled)) {
  const map = new UrlMap({ converters: { slug: SlugConverter, nested: NestedConverter, list: ListConverter } })
  try {
    map.add(new Rule(ruleText, { endpoint: 'e' }))
  } catch (err) {
    // counted repeats too large for one segment are refused when added: nothing to time
    if (!(err instanceof RuleError) || !/counted repeats/.test(err.message)) throw err
    refused++
    continue
  }
  const prefix = ruleText.startsWith('/<path') ? '/' + 'a/'.repeat(10) + 'x/' : '/s/'
  for (const path of adversarial(prefix)) {
    process.stdout.write(`case ${ruleText} ${JSON.stringify(path.slice(0, 30))}… (${path.length})\n`)
    // CPU time, not wall time: a super-linear match burns CPU, a busy machine only delays a linear one
    const start = process.cpuUsage()
    map.match(path, 'GET')
    const used = process.cpuUsage(start)
    const ms = (used.user + used.system) / 1000
    cases++
    if (ms > worst.ms) worst = { ms, rule: ruleText, path: path.slice(0, 40) + `… (${path.length} chars)` }
  }
}
process.stdout.write('RESULT ' + JSON.stringify({ cases, refused, worst }) + '\n')
