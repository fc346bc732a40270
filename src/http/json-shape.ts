/**
 * The nesting and element count of a JSON body (`MAX_JSON_DEPTH`,
 * `MAX_JSON_ITEMS`) found before `JSON.parse` builds anything (issue 12).
 * The scan is one pass over the text, strings skipped; in JavaScript it cost
 * about half of what `JSON.parse` costs for a 1 MB body. For bodies of 4 KiB
 * or more it runs as a small WebAssembly function over the UTF-8 bytes,
 * several times faster (the bytes are copied into its memory first). The
 * module is assembled below from its instructions, so there is no binary to
 * trust; {@link scanJsonText} is the same algorithm in JavaScript, for text
 * and short bodies, and the tests check that both agree.
 *
 * Bytes and text give the same answer: the characters it looks at are ASCII,
 * and the bytes of a multi-byte UTF-8 character are all ≥ 0x80.
 *
 * @module
 */

/** The result of a scan: the element count, or which limit was passed first. */
export const DEPTH_EXCEEDED = -1
export const ITEMS_EXCEEDED = -2

/** A limit as the scan takes it: null (no limit) as the largest 32-bit count. */
function limit(n: number | null): number {
  return n === null || n > 0x7fffffff ? 0x7fffffff : Math.max(0, Math.floor(n))
}

/**
 * The scan in JavaScript: counts the elements of arrays and the members of
 * objects, returns the count, or {@link DEPTH_EXCEEDED} / {@link ITEMS_EXCEEDED}
 * at the first point where a limit is passed.
 */
export function scanJsonText(text: string, maxDepth: number | null, maxItems: number | null): number {
  const depthLimit = limit(maxDepth)
  const itemLimit = limit(maxItems)
  let depth = 0
  let items = 0
  let opened = false // just after '[' or '{': the next token is a first element, or the close
  const n = text.length
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c === 32 || c === 10 || c === 13 || c === 9) continue
    if (opened) {
      opened = false
      // an element; checked below, after the depth of a '[' or '{' (the order of the errors)
      if (c !== 93 && c !== 125) items++
    }
    if (c === 34 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i)
        if (d === 92 /* \ */) i++
        else if (d === 34) break
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > depthLimit) return DEPTH_EXCEEDED
      opened = true
    } else if (c === 93 || c === 125) depth--
    else if (c === 44 /* , */ && depth > 0) items++
    if (items > itemLimit) return ITEMS_EXCEEDED
  }
  return items
}

// ------------------------------------------------------------ WebAssembly

// opcodes (WebAssembly 1.0)
const BLOCK = 0x02
const LOOP = 0x03
const IF = 0x04
const VOID = 0x40
const END = 0x0b
const BR = 0x0c
const BR_IF = 0x0d
const RETURN = 0x0f
const GET = 0x20
const SET = 0x21
const TEE = 0x22
const LOAD8_U = 0x2d
const CONST = 0x41
const EQ = 0x46
const NE = 0x47
const LT_U = 0x49
const GT_S = 0x4a
const GE_U = 0x4f
const ADD = 0x6a
const SUB = 0x6b
const AND = 0x71
const OR = 0x72

/** A signed LEB128 i32 constant. */
function i32(value: number): number[] {
  const out: number[] = [CONST]
  let v = value | 0
  for (;;) {
    const byte = v & 0x7f
    v >>= 7
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte)
      return out
    }
    out.push(byte | 0x80)
  }
}

// the function's parameters and locals
const N = 0 // byte count (the bytes are at address 0)
const DEPTH_LIMIT = 1
const ITEM_LIMIT = 2
const I = 3
const C = 4
const DEPTH = 5
const ITEMS = 6
const OPENED = 7

/** `c == a || c == b` */
const either = (a: number, b: number): number[] => [GET, C, ...i32(a), EQ, GET, C, ...i32(b), EQ, OR]
/** `items++` */
const addItem = [GET, ITEMS, ...i32(1), ADD, SET, ITEMS]
/** `if (items > itemLimit) return ITEMS_EXCEEDED` */
const checkItems = [GET, ITEMS, GET, ITEM_LIMIT, GT_S, IF, VOID, ...i32(ITEMS_EXCEEDED), RETURN, END]
/** `c = bytes[i++]` */
const next = [GET, I, LOAD8_U, 0, 0, SET, C, GET, I, ...i32(1), ADD, SET, I]

/** scan(n, depthLimit, itemLimit) → items | -1 | -2: {@link scanJsonText} over bytes. Labels: comments give the `br` targets. */
const BODY = [
  BLOCK, VOID, // $done
  LOOP, VOID, // $next: br 0 here (1 inside an if) continues
  GET, I, GET, N, GE_U, BR_IF, 1, // i >= n: done
  ...next,
  // whitespace: continue (opened stays set)
  GET, C, ...i32(33), LT_U, IF, VOID,
  ...either(32, 10), ...either(13, 9), OR, BR_IF, 1,
  END,
  // the first token after an open: an element unless it closes
  GET, OPENED, IF, VOID,
  ...i32(0), SET, OPENED,
  GET, C, ...i32(93), NE, GET, C, ...i32(125), NE, AND, IF, VOID,
  ...addItem,
  // checked now unless it is a '[' or '{', whose depth is checked first
  GET, C, ...i32(91), NE, GET, C, ...i32(123), NE, AND, IF, VOID, ...checkItems, END,
  END,
  END,
  // a string: skip to its closing quote, over escapes
  GET, C, ...i32(34), EQ, IF, VOID,
  BLOCK, VOID, // $strend
  LOOP, VOID, // $s
  GET, I, GET, N, GE_U, BR_IF, 1,
  ...next,
  GET, C, ...i32(34), EQ, BR_IF, 1,
  GET, C, ...i32(92), EQ, IF, VOID, GET, I, ...i32(1), ADD, SET, I, END,
  BR, 0,
  END,
  END,
  BR, 1,
  END,
  // '[' or '{'
  ...either(91, 123), IF, VOID,
  GET, DEPTH, ...i32(1), ADD, TEE, DEPTH, GET, DEPTH_LIMIT, GT_S, IF, VOID, ...i32(DEPTH_EXCEEDED), RETURN, END,
  ...checkItems,
  ...i32(1), SET, OPENED,
  BR, 1,
  END,
  // ']' or '}'
  ...either(93, 125), IF, VOID, GET, DEPTH, ...i32(1), SUB, SET, DEPTH, BR, 1, END,
  // ',' inside a container
  GET, C, ...i32(44), EQ, GET, DEPTH, ...i32(0), GT_S, AND, IF, VOID, ...addItem, ...checkItems, END,
  BR, 0,
  END,
  END,
  GET, ITEMS,
  END,
]

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content]
}

function uleb(value: number): number[] {
  const out: number[] = []
  let v = value
  do {
    const byte = v & 0x7f
    v >>>= 7
    out.push(v === 0 ? byte : byte | 0x80)
  } while (v !== 0)
  return out
}

/** The module: one function `scan` and its memory `mem`, exported. */
function moduleBytes(): Uint8Array {
  const name = (s: string): number[] => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))]
  const code = [0x01, 0x05, 0x7f, ...BODY] // five i32 locals
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f]), // (i32, i32, i32) -> i32
    ...section(3, [0x01, 0x00]),
    ...section(5, [0x01, 0x00, 0x01]), // one memory, one page to start
    ...section(7, [0x02, ...name('scan'), 0x00, 0x00, ...name('mem'), 0x02, 0x00]),
    ...section(10, [0x01, ...uleb(code.length), ...code]),
  ])
}

interface Scanner {
  scan(n: number, depthLimit: number, itemLimit: number): number
  mem: { readonly buffer: ArrayBuffer; grow(pages: number): number }
}

/** The part of the WebAssembly global used here (the project's `lib` has no WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: unknown }
}

let scanner: Scanner | null | undefined

/** Bodies at least this long are scanned by the WebAssembly function (below, the call and copy cost more than they save). */
export const WASM_SCAN_MIN_BYTES = 4096
/** Nor above this: its memory never shrinks, so it is not grown past 16 MiB for one big body. */
export const WASM_SCAN_MAX_BYTES = 16 * 1024 * 1024

function instance(): Scanner | null {
  if (scanner === undefined) {
    try {
      const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
      scanner = new wasm.Instance(new wasm.Module(moduleBytes())).exports as Scanner
    } catch {
      scanner = null // no WebAssembly (--jitless): the JavaScript scan
    }
  }
  return scanner
}

/**
 * The scan of a body: over its bytes in WebAssembly when it is long enough
 * (see {@link WASM_SCAN_MIN_BYTES}), else over `text` (the same body decoded).
 */
export function scanJson(bytes: Uint8Array, text: string, maxDepth: number | null, maxItems: number | null): number {
  const n = bytes.length
  const wasm = n >= WASM_SCAN_MIN_BYTES && n <= WASM_SCAN_MAX_BYTES ? instance() : null
  if (wasm === null) return scanJsonText(text, maxDepth, maxItems)
  const pages = Math.ceil(n / 65536)
  const have = wasm.mem.buffer.byteLength / 65536
  if (pages > have) wasm.mem.grow(pages - have)
  new Uint8Array(wasm.mem.buffer, 0, n).set(bytes)
  return wasm.scan(n, limit(maxDepth), limit(maxItems))
}
