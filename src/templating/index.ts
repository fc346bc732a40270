/**
 * Templates: Nunjucks with Flask's and Jinja's names.
 *
 * @example
 * ```ts
 * import { renderTemplate } from 'phial'
 * app.get('/', function index() { return renderTemplate('index.html', { title: 'Home' }) })
 * ```
 *
 * @module
 */
export { renderTemplate, renderTemplateString, streamTemplate, streamTemplateString } from './render.ts'
export { TemplateEnvironment, getTemplateEnvironment, selectAutoescape, AUTOESCAPE_EXTENSIONS } from './environment.ts'
export { TemplateError, TemplateSyntaxError, TemplateNotFound, type TemplateInfo, type TemplateLocation } from './errors.ts'
export {
  TemplateRegistry,
  type TemplateFilter,
  type TemplateTest,
  type TemplateSource,
  type TemplateSourceLoader,
} from '../core/template-registry.ts'
export { DictLoader } from './dict-loader.ts'
export { getTemplateAttribute } from './attribute.ts'
export { markSafe, type SafeString } from './safe.ts'
export { htmlSafeJson } from './filters.ts'
