/**
 * Phial: Flask for TypeScript. The public face of the core — re-exports
 * only: Flask's names, the Werkzeug pieces a Flask app uses (Request,
 * Response, HTTP exceptions, routing, data structures), and the types views,
 * hooks and extensions are written against. The itsdangerous classes live at
 * `phial/signing`; the insides (dispatch, adapters, registries) are not
 * exported.
 *
 * @example
 * ```ts
 * import { Phial, request, urlFor } from 'phial'
 * const app = new Phial(import.meta.url)
 * app.get('/', function index() { return `Hello from ${urlFor('index')}` })
 * ```
 *
 * @module
 */

// the application and blueprints
export { Phial, type PhialOptions } from './app.ts'
export type { AppCore, CurrentApp, ShutdownHook } from './core/app-core.ts'
export { Blueprint, BlueprintSetupState, type BlueprintOptions, type RegisterOptions } from './core/blueprint.ts'
export type { ScaffoldOptions } from './core/scaffold.ts'
export type { UrlBuildErrorHandler } from './core/app-core.ts'
export { Aborter } from './core/aborter.ts'
export type { OpenMode } from './core/resources.ts'
export type * from './core/types.ts'

// the context and its globals
export {
  Context,
  ContextError,
  afterThisRequest,
  currentApp,
  currentContext,
  g,
  hasContext,
  hasRequestContext,
  request,
  session,
  type AppGlobals,
  AppCtxGlobals,
} from './core/context.ts'
export { urlFor, type UrlForOptions } from './core/url-for.ts'
export { isSafeUrl, safeRedirect, type SafeUrlOptions } from './core/safe-url.ts'

// requests, responses and errors
export { abort, redirect } from './core/app-helpers.ts'
export { jsonify, makeResponse } from './dispatch/make-response.ts'
export {
  DefaultJSONProvider,
  JSONProvider,
  JSONTag,
  PassDict,
  PassList,
  TagBytes,
  TagDateTime,
  TagDict,
  TaggedJSONSerializer,
  TagMarkup,
  TagTuple,
  TagUUID,
  UUID,
  type DumpsOptions,
  type JSONProviderApp,
  type JSONResponseInit,
  type JSONTagClass,
  type RegisterTagOptions,
} from './json/index.ts'
export { RequestRedirect } from './http/redirect.ts'
export { Request, type RequestConfig, type RequestInit } from './http/request.ts'
export { RequestHeaders } from './http/request-headers.ts'
export type { AcceptHeaders } from './http/request-accept.ts'
export { Response, FileBody, type ResponseBody, type ResponseInit } from './http/response.ts'
export { HeaderMap, type HeadersInit } from './http/headers.ts'
export { HeaderSet } from './http/header-set.ts'
export { parseCookies, serializeCookie, type CookieOptions } from './http/cookies.ts'
export { MultiDict, ImmutableMultiDict } from './http/multidict.ts'
export { FileStorage } from './http/file-storage.ts'
export { Accept, MIMEAccept, LanguageAccept, CharsetAccept, parseAccept } from './http/accept.ts'
export * from './http/exceptions.ts'
export * from './routing/index.ts'

// templates
export {
  renderTemplate,
  renderTemplateString,
  streamTemplate,
  streamTemplateString,
  getTemplateEnvironment,
  TemplateError,
  TemplateSyntaxError,
  TemplateNotFound,
  markSafe,
  htmlSafeJson,
  getTemplateAttribute,
  DictLoader,
  type TemplateSource,
  type TemplateSourceLoader,
  type TemplateEnvironment,
  type TemplateInfo,
  type TemplateLocation,
  type TemplateFilter,
  type TemplateTest,
  type SafeString,
} from './templating/index.ts'
export { Markup, escape } from './templating/markup.ts'

// sessions and flashing
export { Session, NullSession, type SessionData } from './core/session.ts'
export { SessionInterface } from './core/session-interface.ts'
export { SecureCookieSessionInterface, SESSION_COMPRESS_THRESHOLD, sessionJsonSerializer } from './sessions/cookie-session.ts'
export { flash, getFlashedMessages, type FlashOptions } from './sessions/flash.ts'

// config, signals, security, static files
export {
  Config,
  DEFAULT_CONFIG,
  type ConfigValues,
  type CoreConfigValues,
  type ConfigMapping,
  type FromFileOptions,
  type FromPrefixedEnvOptions,
  type FromEnvVarOptions,
  type GetNamespaceOptions,
} from './config/index.ts'
export * from './signals.ts'
export { secureFilename, generatePasswordHash, checkPasswordHash, PasswordHashQueueFull, setPasswordHashQueueLimit, type PasswordHashOptions } from './security.ts'
export { sendFile, sendFromDirectory, safeJoin, type SendFileOptions, type SendFromDirectoryOptions, type SendFileSource, type MaxAge } from './static/index.ts'

// serving, the CLI and testing
export { toNodeContinueHandler, toNodeHandler } from './server/node.ts'
export { isMainModule } from './server/main-module.ts'
export type { ServeOptions, RunningServer } from './server/serve.ts'
export { CliError, type AppCli, type CommandGroup, type CliCommand } from './core/commands.ts'
export type { ArgumentSpec, OptionSpec, CommandSpec, GroupSpec, CommandAction, ArgumentsOf, OptionsOf, CliResult } from './core/command-types.ts'
export type { CliRunner, InvokeOptions } from './cli/runner.ts'
export { CliTypes } from './cli/param-types.ts'
export type { TestClient, TestClientDefaults, TestClientOptions, TestResponse } from './testing/client.ts'
export type { TestFile, TestRequestInit } from './testing/request.ts'
export { acquireTestServer, type TestServerLease } from './testing/test-server.ts'
