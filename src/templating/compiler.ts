/**
 * Compiles template source to render functions with Nunjucks' parser and a
 * code generator adjusted toward Jinja:
 *
 * - `{% if %}`, `not`, `and`, `or` and inline `x if c else y` use Python
 *   truthiness (`{% if messages %}` is false for an empty list);
 * - `{% with a = 1, b = 2 %}…{% endwith %}` opens a scope;
 * - `{% autoescape true %}…{% endautoescape %}` (or `false`, or any
 *   expression) switches escaping for the output written inside it;
 * - `{{ none }}` and `{{ None }}` print `None`, as Jinja does (booleans
 *   print `True`/`False`: see escape.ts);
 * - slices (`posts[:5]`) and bare test arguments (`is divisibleby 3`), from
 *   parser.ts;
 * - each template's functions render with the template's own environment
 *   (autoescape per template, as Jinja decides it from the file name) and
 *   its own runtime (errors carry its file and line), whatever template
 *   calls them (a layout running a page's blocks, an imported macro file).
 *
 * @module
 */
import { TemplateSyntaxError, describeError, type TemplateInfo } from './errors.ts'
import {
  lazyBase,
  nunjucks,
  transformer,
  type CompilerInstance,
  type Extension,
  type Frame,
  type Node,
  type NodeClass,
  type NunjucksEnvironment,
  type NunjucksRuntime,
  type NunjucksTemplateError,
  type TemplateProps,
} from './nunjucks.ts'
import { Slice, parseTemplate } from './parser.ts'
import { createRuntime } from './runtime.ts'

// Nunjucks' node classes and Phial's own, defined on the first compile (see
// nunjucks.ts: Nunjucks loads on first use)
let NodeList: NodeClass
/** `{% with %}`: `targets` and `values` are node lists, `body` the content. */
let With: NodeClass
/** `{% autoescape value %}`: `value` an expression, `body` the content. */
let Autoescape: NodeClass
/** Python truthiness of `target` (inserted by the compiler, never parsed). */
let Truthy: NodeClass
let Literal: NodeClass
let SymbolNode: NodeClass
let TemplateData: NodeClass

function init(): void {
  if (With !== undefined) return
  const { nodes } = nunjucks
  NodeList = nodes.NodeList as NodeClass
  With = nodes.Node.extend('With', { fields: ['targets', 'values', 'body'] })
  Autoescape = nodes.Node.extend('Autoescape', { fields: ['value', 'body'] })
  Truthy = nodes.Node.extend('Truthy', { fields: ['target'] })
  Literal = nodes.Literal as NodeClass
  SymbolNode = nodes.Symbol
  TemplateData = nodes.TemplateData as NodeClass
}

const children = (list: Node): Node[] => list.children as Node[]

/**
 * The `{% with name = value, … %}…{% endwith %}` tag.
 *
 * @example
 * ```jinja
 * {% with messages = get_flashed_messages() %}{% if messages %}…{% endif %}{% endwith %}
 * ```
 */
export const withTag: Extension = {
  tags: ['with'],
  parse(parser, _nodes, lexer) {
    const tag = parser.nextToken()
    const targets = new NodeList(tag.lineno, tag.colno, [])
    const values = new NodeList(tag.lineno, tag.colno, [])
    if (!parser.skip(lexer.TOKEN_BLOCK_END)) {
      do {
        const target = parser.parsePrimary()
        const { lineno, colno } = target
        if (!((target as object) instanceof SymbolNode)) parser.fail('with: expected a variable name', lineno, colno)
        if (!parser.skipValue(lexer.TOKEN_OPERATOR, '=')) {
          parser.fail(`with: expected '=' after '${String(target.value)}'`, lineno, colno)
        }
        children(targets).push(target)
        children(values).push(parser.parseExpression())
      } while (parser.skip(lexer.TOKEN_COMMA))
      parser.advanceAfterBlockEnd(tag.value)
    }
    const body = parser.parseUntilBlocks('endwith')
    parser.advanceAfterBlockEnd()
    return new With(tag.lineno, tag.colno, targets, values, body)
  },
}

/**
 * Jinja's `{% autoescape true|false %}…{% endautoescape %}` tag: the output
 * written inside it is escaped (or not) whatever the template's own
 * setting. The value may be any expression; it is evaluated once, where the
 * tag stands. Included templates keep their own setting, as in Jinja.
 *
 * @example
 * ```jinja
 * {% autoescape false %}{{ trusted_html }}{% endautoescape %}
 * ```
 */
export const autoescapeTag: Extension = {
  tags: ['autoescape'],
  parse(parser) {
    const tag = parser.nextToken()
    const value = parser.parseExpression()
    parser.advanceAfterBlockEnd(tag.value)
    const body = parser.parseUntilBlocks('endautoescape')
    parser.advanceAfterBlockEnd()
    return new Autoescape(tag.lineno, tag.colno, value, body)
  },
}

/** A literal `none` or the name `None`: printed as Jinja prints Python's None. */
const isNone = (node: Node): boolean =>
  ((node as object) instanceof Literal && node.value === null) || ((node as object) instanceof SymbolNode && node.value === 'None')

/** Nunjucks' code generator with Jinja's truthiness, `{% with %}` and per-template bindings. */
class JinjaCompiler extends lazyBase(() => nunjucks.compiler.Compiler) {
  /** The JS expression of the innermost `{% autoescape %}` in scope (null: the template's own setting). */
  #autoescape: string | null = null

  override _emitFuncBegin(node: Node, name: string): void {
    super._emitFuncBegin(node, name)
    // The root and block functions receive the caller's env and runtime:
    // rebind them to this template's (see compileTemplate).
    this._emitLine('env = __env; runtime = __runtime; var __t;')
  }

  // Nunjucks sets seven `loop.*` names one by one (splitting each name on
  // '.'); one object per iteration is several times cheaper.
  _emitLoopBindings(_node: Node, _arr: string, i: string, len: string): void {
    this._emitLine(
      `frame.variables.loop = { index: ${i} + 1, index0: ${i}, revindex: ${len} - ${i}, revindex0: ${len} - ${i} - 1, ` +
        `first: ${i} === 0, last: ${i} === ${len} - 1, length: ${len} };`,
    )
  }

  override assertType(node: Node, ...types: NodeClass[]): void {
    const n: object = node
    if (n instanceof Truthy || n instanceof With || n instanceof Slice || n instanceof Autoescape) return
    super.assertType(node, ...types)
  }

  override compileIf(node: Node, frame: Frame, async?: boolean): void {
    node.cond = new Truthy(node.lineno, node.colno, node.cond)
    super.compileIf(node, frame, async)
  }

  override compileInlineIf(node: Node, frame: Frame): void {
    node.cond = new Truthy(node.lineno, node.colno, node.cond)
    super.compileInlineIf(node, frame)
  }

  // Nunjucks records the position only before function calls, so an
  // unknown filter (looked up when it runs) was reported at the position of
  // the last call, often line 1, column 1. Record the filter's own first.
  override compileFilter(node: Node, frame: Frame): void {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `)
    super.compileFilter(node, frame)
    this._emit(')')
  }

  // Nunjucks' output step, with the escaping of an enclosing
  // `{% autoescape %}` and `None` printed as Jinja prints it.
  override compileOutput(node: Node, frame: Frame): void {
    const buffer = (this as unknown as { buffer: string }).buffer
    for (const child of children(node)) {
      if ((child as object) instanceof TemplateData) {
        if (child.value) {
          this._emit(`${buffer} += `)
          this.compile(child, frame)
          this._emitLine(';')
        }
        continue
      }
      this._emit(`${buffer} += runtime.suppressValue(`)
      if (this.throwOnUndefined) this._emit('runtime.ensureDefined(')
      if (isNone(child)) this._emit('runtime.printNone(')
      this.compile(child, frame)
      if (isNone(child)) this._emit(')')
      if (this.throwOnUndefined) this._emit(`,${node.lineno},${node.colno})`)
      this._emit(`, ${this.#autoescape ?? 'env.opts.autoescape'});\n`)
    }
  }

  compileAutoescape(node: Node, frame: Frame): void {
    const value = node.value as Node
    let flag: string
    if ((value as object) instanceof Literal && typeof value.value === 'boolean') flag = String(value.value)
    else {
      flag = this._tmpid()
      this._emit(`var ${flag} = runtime.truthy(`)
      this._compileExpression(value, frame)
      this._emitLine(');')
    }
    const outer = this.#autoescape
    this.#autoescape = flag
    try {
      this.compile(node.body as Node, frame)
    } finally {
      this.#autoescape = outer
    }
  }

  compileTruthy(node: Node, frame: Frame): void {
    this._emit('runtime.truthy(')
    this.compile(node.target as Node, frame)
    this._emit(')')
  }

  compileNot(node: Node, frame: Frame): void {
    this._emit('!runtime.truthy(')
    this.compile(node.target as Node, frame)
    this._emit(')')
  }

  // `a and b` is `a` when `a` is false, else `b`; `a or b` is `a` when true,
  // else `b`. `__t` is read before either branch runs, so one scratch
  // variable per function serves nested and recursive uses.
  compileAnd(node: Node, frame: Frame): void {
    this.#logical(node, frame, '? (', ') : __t)')
  }

  compileOr(node: Node, frame: Frame): void {
    this.#logical(node, frame, '? __t : (', '))')
  }

  #logical(node: Node, frame: Frame, then: string, end: string): void {
    this._emit('((__t = ')
    this.compile(node.left as Node, frame)
    this._emit('), runtime.truthy(__t) ')
    this._emit(then)
    this.compile(node.right as Node, frame)
    this._emit(end)
  }

  compileSlice(node: Node, frame: Frame): void {
    this._emit('runtime.slice(')
    this.compile(node.target as Node, frame)
    for (const part of ['start', 'stop', 'step']) {
      this._emit(', ')
      if (node[part] === null) this._emit('null')
      else this.compile(node[part] as Node, frame)
    }
    this._emit(')')
  }

  compileWith(node: Node, frame: Frame): void {
    const ids = children(node.values as Node).map((value) => {
      const id = this._tmpid()
      this._emit(`var ${id} = `)
      this._compileExpression(value, frame)
      this._emitLine(';')
      return id
    })
    const inner = frame.push()
    this._emitLine('frame = frame.push();')
    children(node.targets as Node).forEach((target, i) => {
      const name = String(target.value)
      this._emitLine(`frame.set(${JSON.stringify(name)}, ${ids[i]});`)
      inner.set(name, ids[i])
    })
    this._withScopedSyntax(() => this.compile(node.body as Node, inner))
    this._emitLine('frame = frame.pop();')
  }
}

function syntaxError(error: unknown, template: TemplateInfo): TemplateSyntaxError {
  const nj = error as NunjucksTemplateError
  const positioned = typeof nj.lineno === 'number' && nj.Update !== undefined
  return new TemplateSyntaxError(
    positioned ? nj.message : describeError(error),
    { ...template, lineno: positioned ? nj.lineno! : null, colno: positioned ? (nj.colno ?? null) : null },
  )
}

/**
 * Compiles a template's source into its render functions, bound to `env`
 * (whose `opts.autoescape` the output follows) and to a runtime that
 * locates errors in `template`. Throws a {@link TemplateSyntaxError}.
 *
 * @example
 * ```ts
 * const props = compileTemplate('Hello {{ name }}', { name: 'hello.txt', filename: null }, env)
 * new nunjucks.Template({ type: 'code', obj: props }, env).render({ name: 'you' }) // 'Hello you'
 * ```
 */
export function compileTemplate(source: string, template: TemplateInfo, env: NunjucksEnvironment): TemplateProps {
  init()
  const runtime: NunjucksRuntime = createRuntime(template)
  let code: string
  try {
    const extensions = [withTag, autoescapeTag, ...env.extensionsList]
    let src = source
    for (const ext of extensions) if (ext.preprocess) src = ext.preprocess(src)
    const ast = transformer.transform(parseTemplate(src, extensions, env.opts), env.asyncFilters, template.name)
    const compiler = new JinjaCompiler(template.name, env.opts.throwOnUndefined)
    compiler.compile(ast)
    code = compiler.getCode()
  } catch (err) {
    throw syntaxError(err, template)
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('__env', '__runtime', code)(env, runtime) as TemplateProps
}
