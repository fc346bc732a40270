/**
 * Typed access to the parts of Nunjucks that Phial builds on. The package's
 * own typings cover its public surface only, while Phial compiles templates
 * itself (to get Jinja's truthiness, `{% with %}`, per-template autoescape
 * and error locations), so the few internals it touches are typed here, in
 * one place.
 *
 * @internal
 * @module
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/**
 * Any function registered as a filter, test or global.
 *
 * @example
 * ```ts
 * const upper: AnyFunction = (s: string) => s.toUpperCase()
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any

/**
 * Nunjucks' marker for text that must not be escaped again.
 *
 * @example
 * ```ts
 * new nunjucks.runtime.SafeString('<b>hi</b>').toString() // '<b>hi</b>'
 * ```
 */
export interface SafeString {
  readonly val: string
  readonly length: number
  toString(): string
}

/**
 * A variable scope of a render (Nunjucks' `Frame`).
 *
 * @example
 * ```ts
 * frame.push().set('item', 1)
 * ```
 */
export interface Frame {
  lookup(name: string): unknown
  set(name: string, value: unknown, resolveUp?: boolean): void
  push(isolateWrites?: boolean): Frame
  pop(): Frame
}

/**
 * The per-render variables and blocks (Nunjucks' `Context`).
 *
 * @example
 * ```ts
 * context.lookup('title')
 * ```
 */
export interface NunjucksContext {
  env: NunjucksEnvironment
  ctx: Record<string, unknown>
  lookup(name: string): unknown
}

/**
 * The helpers compiled templates call (`runtime.memberLookup(...)`, …).
 *
 * @example
 * ```ts
 * runtime.memberLookup({ a: 1 }, 'a') // 1
 * ```
 */
export interface NunjucksRuntime {
  SafeString: new (value: string) => SafeString
  markSafe(value: unknown): unknown
  memberLookup(obj: unknown, key: unknown): unknown
  contextOrFrameLookup(context: NunjucksContext, frame: Frame, name: string): unknown
  handleError(error: unknown, lineno: number, colno: number): unknown
  [helper: string]: unknown
}

/**
 * What compiled template code evaluates to: the root render function and one per block.
 *
 * @example
 * ```ts
 * const props: TemplateProps = compileTemplate('hi', { name: null, filename: null }, env)
 * ```
 */
export interface TemplateProps {
  root: AnyFunction
  [block: `b_${string}`]: AnyFunction
}

/**
 * A loaded, compiled template.
 *
 * @example
 * ```ts
 * app.templateEnvironment.getTemplate('index.html')!.render({ title: 'Home' })
 * ```
 */
export interface NunjucksTemplate {
  env: NunjucksEnvironment
  path: string | undefined
  /** Renders synchronously (Phial registers no asynchronous filters). */
  render(context: Record<string, unknown>): string
}

/**
 * What a loader returns for a template it has.
 *
 * @example
 * ```ts
 * const source: LoaderSource = { src: { type: 'code', obj: props }, path: '/srv/app/templates/a.html', noCache: false }
 * ```
 */
export interface LoaderSource {
  src: string | { type: 'code'; obj: TemplateProps }
  path: string
  noCache: boolean
}

/**
 * A synchronous Nunjucks loader.
 *
 * @example
 * ```ts
 * const loader: NunjucksLoader = new TemplateLoader(app, compile)
 * ```
 */
export interface NunjucksLoader {
  getSource(name: string): LoaderSource | null
  cache: Record<string, NunjucksTemplate | null | undefined>
}

/**
 * Options read by the lexer, parser and compiler.
 *
 * @example
 * ```ts
 * app.templateEnvironment.opts.trimBlocks = true
 * ```
 */
export interface EnvironmentOptions {
  autoescape: boolean
  dev: boolean
  throwOnUndefined: boolean
  trimBlocks: boolean
  lstripBlocks: boolean
  tags?: Record<string, string>
}

/**
 * A Nunjucks tag extension (`{% mytag %}`).
 *
 * @example
 * ```ts
 * const ext: Extension = { tags: ['with'], parse: (parser) => parser.parseExpression() }
 * ```
 */
export interface Extension {
  tags: string[]
  parse(parser: Parser, nodes: Nodes, lexer: Lexer): unknown
  preprocess?(source: string): string
}

/**
 * Callback of the asynchronous form of `getTemplate`.
 *
 * @example
 * ```ts
 * env.getTemplate('a.html', false, null, false, (err, template) => {})
 * ```
 */
export type TemplateCallback = (err: unknown, template?: NunjucksTemplate) => void

/**
 * The Nunjucks `Environment` as Phial uses it.
 *
 * @example
 * ```ts
 * const env: NunjucksEnvironment = app.templateEnvironment
 * ```
 */
export interface NunjucksEnvironment {
  opts: EnvironmentOptions
  filters: Record<string, AnyFunction>
  tests: Record<string, AnyFunction>
  globals: Record<string, unknown>
  loaders: NunjucksLoader[]
  extensionsList: Extension[]
  asyncFilters: string[]
  addFilter(name: string, fn: AnyFunction): unknown
  addTest(name: string, fn: AnyFunction): unknown
  addGlobal(name: string, value: unknown): unknown
  addExtension(name: string, extension: Extension): unknown
  getFilter(name: string): AnyFunction
  getTest(name: string): AnyFunction
  getTemplate(
    name: string | NunjucksTemplate,
    eagerCompile?: boolean | TemplateCallback,
    parentName?: string | null | TemplateCallback,
    ignoreMissing?: boolean,
    cb?: TemplateCallback,
  ): NunjucksTemplate | undefined
  invalidateCache(): void
}

/**
 * A lexer token.
 *
 * @example
 * ```ts
 * parser.peekToken().type === nunjucks.lexer.TOKEN_SYMBOL
 * ```
 */
export interface Token {
  type: string
  value: string
  lineno: number
  colno: number
}

/**
 * An AST node.
 *
 * @example
 * ```ts
 * const node: Node = parser.parseExpression()
 * ```
 */
export interface Node {
  readonly typename: string
  lineno: number
  colno: number
  [field: string]: unknown
}

/**
 * A node class made by `Node.extend(name, { fields })`.
 *
 * @example
 * ```ts
 * const With: NodeClass = nunjucks.nodes.Node.extend('With', { fields: ['body'] })
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NodeClass = new (lineno: number, colno: number, ...fields: any[]) => Node

/**
 * The AST node classes.
 *
 * @example
 * ```ts
 * new nunjucks.nodes.Symbol(0, 0, 'name')
 * ```
 */
export interface Nodes {
  Node: NodeClass & { extend(name: string, props: { fields: string[] }): NodeClass }
  Symbol: NodeClass
  [name: string]: unknown
}

/**
 * The token type names.
 *
 * @example
 * ```ts
 * parser.skip(nunjucks.lexer.TOKEN_COMMA)
 * ```
 */
export interface Lexer {
  TOKEN_BLOCK_END: string
  TOKEN_COMMA: string
  TOKEN_OPERATOR: string
  [name: string]: unknown
}

/**
 * The parser, as an extension's `parse` sees it.
 *
 * @example
 * ```ts
 * const body = parser.parseUntilBlocks('endwith')
 * ```
 */
export interface Parser {
  nextToken(): Token
  peekToken(): Token
  skip(type: string): boolean
  skipValue(type: string, value: string): boolean
  parsePrimary(): Node
  parseExpression(): Node
  parseUntilBlocks(...names: string[]): Node
  advanceAfterBlockEnd(name?: string): Token
  fail(message: string, lineno?: number, colno?: number): never
}

/**
 * A Nunjucks code generator (the `Compiler` class).
 *
 * @example
 * ```ts
 * compiler.compile(ast); const code = compiler.getCode()
 * ```
 */
export interface CompilerInstance {
  templateName: string | null
  throwOnUndefined: boolean
  codebuf: string[]
  compile(node: Node, frame?: Frame): void
  getCode(): string
  _emit(code: string): void
  _emitLine(code: string): void
  _tmpid(): string
  _compileExpression(node: Node, frame: Frame): void
  _withScopedSyntax(fn: () => void): void
  _emitFuncBegin(node: Node, name: string): void
  assertType(node: Node, ...types: NodeClass[]): void
  compileIf(node: Node, frame: Frame, async?: boolean): void
  compileInlineIf(node: Node, frame: Frame): void
  compileFilter(node: Node, frame: Frame): void
  compileOutput(node: Node, frame: Frame): void
}

/**
 * Nunjucks' `TemplateError` (a plain `Error` with a position).
 *
 * @example
 * ```ts
 * if ((err as NunjucksTemplateError).lineno) console.log('positioned')
 * ```
 */
export interface NunjucksTemplateError extends Error {
  lineno?: number
  colno?: number
  cause?: unknown
  Update?: unknown
}

/**
 * The Nunjucks module, typed for Phial's use.
 *
 * @example
 * ```ts
 * const { Environment } = nunjucks
 * ```
 */
export interface NunjucksModule {
  Environment: new (loaders: NunjucksLoader[], opts: Partial<EnvironmentOptions>) => NunjucksEnvironment
  Template: new (src: LoaderSource['src'], env: NunjucksEnvironment, path?: string, eagerCompile?: boolean) => NunjucksTemplate
  compiler: { Compiler: new (templateName: string | null, throwOnUndefined: boolean) => CompilerInstance }
  parser: { parse(source: string, extensions: Extension[], opts: EnvironmentOptions): Node }
  nodes: Nodes
  lexer: Lexer
  runtime: NunjucksRuntime
  lib: {
    TemplateError: new (message: string | Error, lineno?: number, colno?: number) => NunjucksTemplateError
    escape(value: string): string
  }
}

let loaded: NunjucksModule | undefined

/**
 * Requires Nunjucks (21 CommonJS files, ~18 ms) on first use rather than
 * at `import 'phial'`: an app that renders no template never loads it.
 * Phial's own safe strings ({@link SafeText}) become Nunjucks' from then on.
 */
function load(): NunjucksModule {
  if (loaded === undefined) {
    const module = require('nunjucks') as NunjucksModule
    const NunjucksSafe = module.runtime.SafeString
    // Markup and friends made before now pass Nunjucks' `instanceof SafeString` too
    Object.setPrototypeOf(SafeText.prototype, NunjucksSafe.prototype)
    SafeStringClass = NunjucksSafe
    loaded = module
  }
  return loaded
}

/**
 * The Nunjucks package, required on the first read of one of its members.
 *
 * @example
 * ```ts
 * new nunjucks.runtime.SafeString('<b>')
 * ```
 */
export const nunjucks: NunjucksModule = Object.defineProperties(
  {},
  Object.fromEntries(
    (['Environment', 'Template', 'compiler', 'parser', 'nodes', 'lexer', 'runtime', 'lib'] satisfies (keyof NunjucksModule)[]).map((key) => [
      key,
      { enumerable: true, get: () => load()[key] },
    ]),
  ),
) as NunjucksModule

type Transformer = { transform(ast: Node, asyncFilters: string[], name?: string | null): Node }
let loadedTransformer: Transformer | undefined

/**
 * Nunjucks' AST transformer (not re-exported by its index), required on first use.
 *
 * @example
 * ```ts
 * transformer.transform(ast, [], 'index.html')
 * ```
 */
export const transformer: Transformer = {
  transform(ast, asyncFilters, name) {
    loadedTransformer ??= (load(), require('nunjucks/src/transformer.js') as Transformer)
    return loadedTransformer.transform(ast, asyncFilters, name)
  },
}

/**
 * Nunjucks' `SafeString` without Nunjucks: the same fields (`val`,
 * `length`) and string behaviour, so that `Markup` and `markSafe` need not
 * load Nunjucks. When Nunjucks loads, its `SafeString.prototype` is put
 * under this prototype, so every `SafeText` (made before or after) is an
 * `instanceof` Nunjucks' `SafeString`, which autoescape and its filters
 * check.
 *
 * @example
 * ```ts
 * new SafeText('<b>hi</b>').toString() // '<b>hi</b>'
 * ```
 */
export class SafeText implements SafeString {
  readonly val: string
  length: number

  constructor(val: string) {
    this.val = val
    this.length = val.length
  }

  valueOf(): string {
    return this.val
  }

  toString(): string {
    return this.val
  }
}
// as Nunjucks' prototype: a String (its methods work on it), with a writable `length`
Object.setPrototypeOf(SafeText.prototype, String.prototype)
Object.defineProperty(SafeText.prototype, 'length', { writable: true, configurable: true, value: 0 })

/**
 * The class of safe strings: {@link SafeText} until Nunjucks is loaded,
 * Nunjucks' `SafeString` after (of which every `SafeText` is then an
 * instance). `value instanceof SafeStringClass` is the check; a live
 * binding, so importers see the switch.
 *
 * @example
 * ```ts
 * value instanceof SafeStringClass ? value.toString() : escapeHtml(String(value))
 * ```
 */
export let SafeStringClass: new (value: string) => SafeString = SafeText

/**
 * A base class standing for Nunjucks' class `get()` returns, without
 * loading Nunjucks until the first instance is made: then its prototype
 * chain (and its static side) is put over the real class, and the real
 * constructor builds the instance (with the subclass's prototype, as
 * `super()` would).
 *
 * @example
 * ```ts
 * class JinjaCompiler extends lazyBase(() => nunjucks.compiler.Compiler) {}
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lazyBase<C extends new (...args: any[]) => object>(get: () => C): C {
  class LazyBase {
    constructor(...args: unknown[]) {
      const Real = get()
      if (Object.getPrototypeOf(LazyBase.prototype) !== Real.prototype) {
        Object.setPrototypeOf(LazyBase.prototype, Real.prototype)
        Object.setPrototypeOf(LazyBase, Real)
      }
      return Reflect.construct(Real, args, new.target) as LazyBase
    }
  }
  return LazyBase as unknown as C
}
