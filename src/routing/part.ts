/**
 * A compiled dynamic part of a rule: one path segment holding converters,
 * or, after a `path` converter, the whole rest of the path.
 *
 * @module
 */
import type { PartWeight } from './weight.ts'
import type { MatchState } from './matcher.ts'
import { countGroups, escapeRegex } from './regex.ts'
import { compileLinear, type LinearMatcher, type LinearPiece } from './linear.ts'

// How a part tests its target; chosen once, at compile time.
/** A lone `[^/]+` converter: any non-empty segment. */
const ANY_SEGMENT = 0
/** A lone `path` converter: any non-empty rest not starting with `/`. */
const ANY_PATH = 1
/** A lone converter: test the regex, the value is the whole target. */
const WHOLE = 2
/** Static text and/or several converters: exec and read the groups. */
const GROUPS = 3
/** A lone `\\d+` converter (int): ASCII digits, checked without a regex. */
const DIGITS = 4
/** Several converters, or a converter with its own regex: the linear-time matcher (linear.ts). */
const LINEAR = 5

/**
 * The regexes of the built-in converters. A part with at most one of them
 * (and static text) runs in linear time on V8's backtracking engine: one
 * quantified run, anchored at both ends. Anything else goes to linear.ts.
 */
const BUILTIN_REGEX =
  /^(?:\[\^\/\](?:\+|\{\d+(?:,\d*)?\})|(?:-\?)?\\d\+(?:\\\.\\d\+)?|\[\^\/\]\.\*\?|\[A-Fa-f0-9\]\{8\}(?:-\[A-Fa-f0-9\]\{4\}){3}-\[A-Fa-f0-9\]\{12\}|\(\?:(?:[^\\()[\]{}|*+?.^$]|\\.)+(?:\|(?:[^\\()[\]{}|*+?.^$]|\\.)+)*\))$/

/**
 * Whether V8's regex can match this part in linear time: no converter, or
 * exactly one built-in one. Two converters in one part (`<a>-<b>`) can
 * backtrack over every split of the segment; a converter's own regex can
 * hold nested quantifiers.
 */
function backtrackSafe(pieces: ReadonlyArray<string | number>, regexes: readonly string[]): boolean {
  let converters = 0
  for (const piece of pieces) {
    if (typeof piece === 'string') continue
    if (++converters > 1 || !BUILTIN_REGEX.test(regexes[piece])) return false
  }
  return true
}

function allDigits(text: string): boolean {
  const n = text.length
  if (n === 0) return false
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/**
 * A dynamic part. `match` tests a target (a segment, or the rest of the path
 * for a final part) and appends the raw text of each converter to the
 * search state's values.
 *
 * @example
 * ```ts
 * const part = new DynamicPart(['v', 0], ['\\d+'], false, weight)
 * part.match('v12', state) // 0 (matched), state.values[state.count - 1] is '12'
 * ```
 */
export class DynamicPart {
  /** Identity: rules whose parts have equal keys share a matcher state. */
  readonly key: string
  /** True when the part consumes the rest of the path (contains a `path`-like converter). */
  readonly final: boolean
  /** True for a final part written with a trailing slash (`/<path:p>/`). */
  readonly suffixed: boolean
  /** Sort weight. */
  readonly weight: PartWeight
  /** The anchored regex. */
  readonly regex: RegExp
  private readonly kind: number
  private readonly groups: readonly number[]
  private readonly suffixGroup: number
  private readonly linear: LinearMatcher | null = null

  /**
   * @param pieces static text (already unescaped) and converter positions (index into `regexes`)
   * @param regexes the regex source of each converter of the part
   * @param final whether the part spans slashes
   * @param weight the sort weight
   */
  constructor(pieces: ReadonlyArray<string | number>, regexes: readonly string[], final: boolean, weight: PartWeight) {
    let suffixed = false
    let list = pieces
    if (final && list.length > 1 && list[list.length - 1] === '/') {
      suffixed = true
      list = list.slice(0, -1)
    }
    let source = '^'
    const groups: number[] = []
    let group = 1
    for (const piece of list) {
      if (typeof piece === 'string') {
        source += escapeRegex(piece)
      } else {
        const inner = regexes[piece]
        groups.push(group)
        group += 1 + countGroups(inner)
        source += '(' + inner + ')'
      }
    }
    if (suffixed) source += '(?<!/)(/?)'
    source += '$'
    this.regex = new RegExp(source, 'su')
    this.key = (final ? 'F' : 'S') + weight.argumentWeights.join(',') + ':' + source
    this.final = final
    this.suffixed = suffixed
    this.weight = weight
    this.groups = groups
    this.suffixGroup = suffixed ? group : 0
    const lone = list.length === 1 && typeof list[0] === 'number' && !suffixed ? regexes[list[0]] : null
    if (lone === '[^/]+' && !final) this.kind = ANY_SEGMENT
    else if (lone === '[^/].*?' && final) this.kind = ANY_PATH
    else if (lone === '\\d+' && !final) this.kind = DIGITS
    else if (!backtrackSafe(list, regexes)) {
      this.kind = LINEAR
      const linearPieces: LinearPiece[] = list.map((p) => (typeof p === 'string' ? { text: p } : { regex: regexes[p] }))
      if (suffixed) linearPieces.push({ suffixSlash: true })
      this.linear = compileLinear(linearPieces)
    } else if (lone !== null && countGroups(lone) === 0) this.kind = WHOLE
    else this.kind = GROUPS
  }

  /**
   * Tests `target`; on success appends the converters' raw values to
   * `state.values` (advancing `state.count`). Returns -1 for no match, 0 for
   * a match, 1 for a match whose trailing slash was split off (suffixed
   * parts only).
   *
   * @example
   * ```ts
   * part.match('2024-05', state) // 0, state.values gets '2024', '05'
   * ```
   */
  match(target: string, state: MatchState): number {
    switch (this.kind) {
      case ANY_SEGMENT:
        if (target === '') return -1
        state.values[state.count++] = target
        return 0
      case ANY_PATH:
        if (target === '' || target.charCodeAt(0) === 47) return -1
        state.values[state.count++] = target
        return 0
      case DIGITS:
        if (!allDigits(target)) return -1
        state.values[state.count++] = target
        return 0
      case WHOLE:
        if (!this.regex.test(target)) return -1
        state.values[state.count++] = target
        return 0
      case LINEAR: {
        const found = (this.linear as LinearMatcher).exec(target)
        if (found === null) return -1
        const values = state.values
        const last = this.suffixed ? found.length - 1 : found.length
        for (let i = 0; i < last; i++) values[state.count++] = found[i]
        return this.suffixed && found[last] === '/' ? 1 : 0
      }
      default: {
        const m = this.regex.exec(target)
        if (m === null) return -1
        const groups = this.groups
        const values = state.values
        for (let i = 0; i < groups.length; i++) values[state.count++] = m[groups[i]]
        return this.suffixed && m[this.suffixGroup] === '/' ? 1 : 0
      }
    }
  }
}
