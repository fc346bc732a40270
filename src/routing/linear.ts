/**
 * A linear-time matcher for the dynamic parts of rules whose regex a
 * backtracking engine could take super-linear time on: several converters in
 * one segment (`<a>-<b>-<c>-<int:n>`), or a converter with its own regex.
 *
 * The part's regex is compiled to a small program and run as a Pike VM
 * (Thompson's NFA simulation with thread priorities, as in RE2): every
 * thread advances one character at a time and two threads at the same
 * instruction are merged, so the work is at most (path length × program
 * size). The threads are kept in the order a backtracking engine would try
 * them, so the captured values are the ones JavaScript's (and Python's)
 * `^(...)-(...)$` gives: Werkzeug's semantics, without the backtracking.
 *
 * Single characters and character classes (`[^/]`, `\d`, `\p{L}`…) are
 * tested with a one-character V8 regex, so their meaning is exactly
 * JavaScript's. Lookarounds and backreferences cannot be run in linear time
 * and are refused when the rule is added.
 *
 * @module
 */

/** One piece of a part: static text, a converter's regex (captured), or the suffix slash of `/<path:p>/`. */
export type LinearPiece = { text: string } | { regex: string } | { suffixSlash: true }

type CharTest = (cp: number) => boolean

// Instructions (parallel arrays, see LinearProgram)
const CHAR = 0
const SPLIT = 1
const JMP = 2
const SAVE = 3
const MATCH = 4
const AT_START = 5
const AT_END = 6
const NOT_AFTER_SLASH = 7

/**
 * More instructions than this is refused: a counted repeat is expanded
 * (`{1,500}` is 1,000 instructions), and the work per character grows with
 * the program: 1,024 keeps the worst 8,000-character target to tens of ms.
 */
const MAX_PROGRAM = 1024

type Node =
  | { t: 'char'; test: CharTest }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number; greedy: boolean }
  | { t: 'save'; slot: number }
  | { t: 'assert'; op: number }

/** Why a regex cannot be matched in linear time; thrown by {@link compileLinear}. */
export class NonLinearRegexError extends Error {}

function classTest(source: string): CharTest {
  const re = new RegExp('^(?:' + source + ')$', 'su')
  const ascii = new Int8Array(128).fill(-1)
  return (cp) => {
    if (cp < 128) {
      let known = ascii[cp]
      if (known === -1) known = ascii[cp] = re.test(String.fromCharCode(cp)) ? 1 : 0
      return known === 1
    }
    return re.test(String.fromCodePoint(cp))
  }
}

function literal(cp: number): CharTest {
  return (c) => c === cp
}

const ANY: CharTest = () => true

/** A recursive-descent reader of a JavaScript regex source (`u` and `s` flags, already known to be valid). */
class Parser {
  pos = 0
  constructor(readonly src: string) {}

  parse(): Node {
    const node = this.alternation()
    if (this.pos < this.src.length) throw new NonLinearRegexError(`unexpected '${this.src[this.pos]}'`)
    return node
  }

  private alternation(): Node {
    const items = [this.sequence()]
    while (this.src[this.pos] === '|') {
      this.pos++
      items.push(this.sequence())
    }
    return items.length === 1 ? items[0] : { t: 'alt', items }
  }

  private sequence(): Node {
    const items: Node[] = []
    const src = this.src
    while (this.pos < src.length && src[this.pos] !== '|' && src[this.pos] !== ')') {
      items.push(this.quantified(this.atom()))
    }
    return { t: 'seq', items }
  }

  private quantified(node: Node): Node {
    const src = this.src
    let min: number
    let max: number
    const c = src[this.pos]
    if (c === '*') [min, max] = [0, Infinity]
    else if (c === '+') [min, max] = [1, Infinity]
    else if (c === '?') [min, max] = [0, 1]
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(this.pos))
      if (m === null) return node
      min = Number(m[1])
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
      this.pos += m[0].length - 1
    } else return node
    this.pos++
    let greedy = true
    if (src[this.pos] === '?') {
      greedy = false
      this.pos++
    }
    return this.quantified({ t: 'rep', node, min, max, greedy })
  }

  private atom(): Node {
    const src = this.src
    const c = src[this.pos]
    if (c === '(') return this.group()
    if (c === '[') {
      const start = this.pos
      this.pos++
      while (this.pos < src.length && src[this.pos] !== ']') this.pos += src[this.pos] === '\\' ? 2 : 1
      this.pos++
      return { t: 'char', test: classTest(src.slice(start, this.pos)) }
    }
    if (c === '\\') return this.escape()
    if (c === '.') {
      this.pos++
      return { t: 'char', test: ANY }
    }
    if (c === '^' || c === '$') {
      this.pos++
      return { t: 'assert', op: c === '^' ? AT_START : AT_END }
    }
    const cp = src.codePointAt(this.pos) as number
    this.pos += cp > 0xffff ? 2 : 1
    return { t: 'char', test: literal(cp) }
  }

  private group(): Node {
    const src = this.src
    this.pos++ // (
    if (src[this.pos] === '?') {
      const rest = src.slice(this.pos, this.pos + 3)
      if (rest.startsWith('?:')) this.pos += 2
      else if (rest.startsWith('?<') && rest !== '?<=' && rest !== '?<!') this.pos = src.indexOf('>', this.pos) + 1
      else throw new NonLinearRegexError(`'(${rest}' (a lookaround or modifier)`)
    }
    // inner groups capture nothing here: only a converter's whole value is read
    const node = this.alternation()
    this.pos++ // )
    return node
  }

  private escape(): Node {
    const src = this.src
    const start = this.pos
    const c = src[this.pos + 1]
    this.pos += 2
    if (c === 'b' || c === 'B') throw new NonLinearRegexError(`'\\${c}' (a word boundary)`)
    if ((c >= '1' && c <= '9') || c === 'k') throw new NonLinearRegexError(`'\\${c}' (a backreference)`)
    if (c === 'p' || c === 'P' || (c === 'u' && src[this.pos] === '{')) this.pos = src.indexOf('}', this.pos) + 1
    else if (c === 'u') {
      this.pos += 4
      // a surrogate pair written as two escapes is one character with the u flag
      if (/^\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(src.slice(this.pos, this.pos + 6))) this.pos += 6
    } else if (c === 'x') this.pos += 2
    else if (c === 'c') this.pos += 1
    return { t: 'char', test: classTest(src.slice(start, this.pos)) }
  }
}

/** A compiled part: instructions as parallel arrays. */
interface LinearProgram {
  op: number[]
  x: number[]
  y: number[]
  tests: Array<CharTest | null>
  /** Per instruction, the index of its test in `distinct` (-1 for none): copies of a repeat share one. */
  testIds: number[]
  /** The distinct tests: each is run at most once per character. */
  distinct: CharTest[]
  slots: number
}

function emitProgram(root: Node, slots: number): LinearProgram {
  const p: LinearProgram = { op: [], x: [], y: [], tests: [], testIds: [], distinct: [], slots }
  const add = (op: number, x = -1, y = -1, test: CharTest | null = null): number => {
    if (p.op.length >= MAX_PROGRAM) {
      throw new NonLinearRegexError(`counted repeats too large for one segment (over ${MAX_PROGRAM} steps; check long lengths in toValue instead)`)
    }
    p.op.push(op)
    p.x.push(x)
    p.y.push(y)
    p.tests.push(test)
    let id = -1
    if (test !== null) {
      id = p.distinct.indexOf(test)
      if (id === -1) id = p.distinct.push(test) - 1
    }
    p.testIds.push(id)
    return p.op.length - 1
  }
  // Each instruction's successor is the next one unless x says otherwise.
  const gen = (n: Node): void => {
    switch (n.t) {
      case 'char':
        add(CHAR, -1, -1, n.test)
        return
      case 'save':
        add(SAVE, n.slot)
        return
      case 'assert':
        add(n.op)
        return
      case 'seq':
        for (const item of n.items) gen(item)
        return
      case 'alt': {
        const jumps: number[] = []
        for (let i = 0; i < n.items.length; i++) {
          if (i < n.items.length - 1) {
            const split = add(SPLIT)
            p.x[split] = split + 1
            gen(n.items[i])
            jumps.push(add(JMP))
            p.y[split] = p.op.length
          } else gen(n.items[i])
        }
        for (const j of jumps) p.x[j] = p.op.length
        return
      }
      case 'rep': {
        for (let i = 0; i < n.min; i++) gen(n.node)
        if (n.max === Infinity) {
          // L: SPLIT body, out; body; JMP L
          const split = add(SPLIT)
          gen(n.node)
          const jmp = add(JMP, split)
          p.x[jmp] = split
          preferBody(p, split, split + 1, p.op.length, n.greedy)
          return
        }
        const splits: number[] = []
        for (let i = n.min; i < n.max; i++) {
          splits.push(add(SPLIT))
          gen(n.node)
        }
        for (const s of splits) preferBody(p, s, s + 1, p.op.length, n.greedy)
        return
      }
    }
  }
  gen(root)
  add(MATCH)
  return p
}

function preferBody(p: LinearProgram, split: number, body: number, out: number, greedy: boolean): void {
  p.x[split] = greedy ? body : out
  p.y[split] = greedy ? out : body
}

/**
 * A part compiled for linear-time matching.
 *
 * @example
 * ```ts
 * const m = compileLinear([{ regex: '[^/]+' }, { text: '-' }, { regex: '\\d+' }])
 * m.exec('a-b-12') // ['a-b', '12']
 * ```
 */
export interface LinearMatcher {
  /** The captured text of each converter (and `'/'` or `''` for the suffix slash), or null for no match. */
  exec(target: string): string[] | null
}

/**
 * Compiles a part for {@link LinearMatcher}; throws {@link NonLinearRegexError}
 * when a converter regex uses a lookaround, a backreference or a word
 * boundary (or a counted repeat too large to compile).
 *
 * @example
 * ```ts
 * compileLinear([{ regex: '(?=a)a' }]) // throws NonLinearRegexError
 * ```
 */
export function compileLinear(pieces: readonly LinearPiece[]): LinearMatcher {
  const items: Node[] = []
  let slot = 0
  for (const piece of pieces) {
    if ('text' in piece) {
      for (const ch of piece.text) items.push({ t: 'char', test: literal(ch.codePointAt(0) as number) })
    } else if ('regex' in piece) {
      let node: Node
      try {
        node = new Parser(piece.regex).parse()
      } catch (e) {
        if (!(e instanceof NonLinearRegexError)) throw e
        throw new NonLinearRegexError(`the regex '${piece.regex}' uses ${e.message}, which cannot be matched in linear time`)
      }
      items.push({ t: 'save', slot: slot++ }, node, { t: 'save', slot: slot++ })
    } else {
      items.push(
        { t: 'assert', op: NOT_AFTER_SLASH },
        { t: 'save', slot: slot++ },
        { t: 'rep', node: { t: 'char', test: literal(47) }, min: 0, max: 1, greedy: true },
        { t: 'save', slot: slot++ },
      )
    }
  }
  const program = emitProgram({ t: 'seq', items }, slot)
  return { exec: (target) => run(program, target) }
}

interface Threads {
  pcs: Int32Array
  caps: Array<Int32Array>
  count: number
}

function threads(size: number): Threads {
  return { pcs: new Int32Array(size), caps: new Array<Int32Array>(size), count: 0 }
}

/**
 * Adds the thread at `pc` and everything it reaches without reading a
 * character, in priority order; `seen` (stamped with `mark`) merges threads.
 * An explicit stack, not recursion: a long chain of SPLITs cannot overflow.
 */
const stackPc: number[] = []
const stackCaps: Int32Array[] = []

function addThread(p: LinearProgram, list: Threads, seen: Int32Array, mark: number, pc0: number, caps0: Int32Array, pos: number, target: string): void {
  // module-level stacks: no allocation per thread (the search is synchronous, never re-entered)
  let top = 0
  stackPc[0] = pc0
  stackCaps[0] = caps0
  top = 1
  while (top > 0) {
    top--
    let pc = stackPc[top]
    let caps = stackCaps[top]
    for (;;) {
      if (seen[pc] === mark) break
      seen[pc] = mark
      const op = p.op[pc]
      if (op === JMP) pc = p.x[pc]
      else if (op === SPLIT) {
        stackPc[top] = p.y[pc]
        stackCaps[top++] = caps
        pc = p.x[pc]
      } else if (op === SAVE) {
        caps = caps.slice()
        caps[p.x[pc]] = pos
        pc++
      } else if (op === AT_START) {
        if (pos !== 0) break
        pc++
      } else if (op === AT_END) {
        if (pos !== target.length) break
        pc++
      } else if (op === NOT_AFTER_SLASH) {
        if (pos > 0 && target.charCodeAt(pos - 1) === 47) break
        pc++
      } else {
        list.pcs[list.count] = pc
        list.caps[list.count++] = caps
        break
      }
    }
  }
}

function run(p: LinearProgram, target: string): string[] | null {
  const size = p.op.length
  let current = threads(size)
  let next = threads(size)
  const seen = new Int32Array(size).fill(-1)
  let mark = 0
  addThread(p, current, seen, mark, 0, new Int32Array(p.slots).fill(-1), 0, target)
  let matched: Int32Array | null = null
  const n = target.length
  const testIds = p.testIds
  const distinct = p.distinct
  // this character's result of each distinct test: 0 unknown, 1 yes, 2 no
  const results = new Uint8Array(distinct.length)
  let pos = 0
  for (;;) {
    const cp = pos < n ? (target.codePointAt(pos) as number) : -1
    const width = cp > 0xffff ? 2 : 1
    mark++
    next.count = 0
    results.fill(0)
    for (let i = 0; i < current.count; i++) {
      const pc = current.pcs[i]
      const op = p.op[pc]
      if (op === MATCH) {
        if (pos === n) {
          // the best thread that ends here; lower-priority ones are cut
          matched = current.caps[i]
          break
        }
        continue
      }
      if (cp === -1) continue
      const id = testIds[pc]
      let result = results[id]
      if (result === 0) result = results[id] = distinct[id](cp) ? 1 : 2
      if (result === 1) addThread(p, next, seen, mark, pc + 1, current.caps[i], pos + width, target)
    }
    if (pos >= n || next.count === 0) break
    const swap = current
    current = next
    next = swap
    pos += width
  }
  if (matched === null) return null
  const values: string[] = []
  for (let s = 0; s < p.slots; s += 2) values.push(target.slice(matched[s], matched[s + 1]))
  return values
}
