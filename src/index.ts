/**
 * Phial: Flask for TypeScript. The public face of the core — re-exports only.
 *
 * @example
 * ```ts
 * import { Phial, request, urlFor } from 'phial'
 * const app = new Phial(import.meta.url)
 * app.get('/', function index() { return `Hello from ${urlFor('index')}` })
 * ```
 */
export { Phial, type PhialOptions } from './app.ts'
export { Blueprint, BlueprintSetupState, type BlueprintOptions, type RegisterOptions } from './core/blueprint.ts'
export { Scaffold, type ScaffoldOptions } from './core/scaffold.ts'
export {
  Context,
  ContextError,
  contextStorage,
  currentApp,
  currentContext,
  g,
  hasContext,
  hasRequestContext,
  request,
  session,
  type AppGlobals,
} from './core/context.ts'
export { urlFor, type UrlForOptions } from './core/url-for.ts'
export {
  renderTemplate,
  renderTemplateString,
  streamTemplate,
  streamTemplateString,
  TemplateEnvironment,
  getTemplateEnvironment,
  selectAutoescape,
  AUTOESCAPE_EXTENSIONS,
  TemplateError,
  TemplateSyntaxError,
  TemplateNotFound,
  TemplateRegistry,
  markSafe,
  htmlSafeJson,
  type TemplateInfo,
  type TemplateLocation,
  type TemplateFilter,
  type TemplateTest,
  type SafeString,
} from './templating/index.ts'
export { abort, afterThisRequest, flash, getFlashedMessages, type FlashOptions } from './sessions/flash.ts'
export { jsonify, makeResponse } from './dispatch/make-response.ts'
export { redirect, RequestRedirect } from './http/redirect.ts'
export { Request, type RequestInit } from './http/request.ts'
export { RequestHeaders } from './http/request-headers.ts'
export type { AcceptHeaders } from './http/request-accept.ts'
export { Response, FileBody, type ResponseBody, type ResponseInit } from './http/response.ts'
export { HeaderMap, type HeadersInit } from './http/headers.ts'
export { parseCookies, serializeCookie, type CookieOptions } from './http/cookies.ts'
export { MultiDict, ImmutableMultiDict } from './http/multidict.ts'
export { FileStorage } from './http/file-storage.ts'
export { Accept, MIMEAccept, LanguageAccept, CharsetAccept, parseAccept } from './http/accept.ts'
export * from './http/exceptions.ts'
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
} from './config/config.ts'
export * from './signals.ts'
export { secureFilename, generatePasswordHash, checkPasswordHash, type PasswordHashOptions } from './security.ts'
export {
  BadData,
  BadPayload,
  BadSignature,
  BadTimeSignature,
  SignatureExpired,
  Serializer,
  Signer,
  TimedSerializer,
  TimestampSigner,
  URLSafeSerializer,
  URLSafeTimedSerializer,
  type SecretKey,
  type SignerOptions,
  type UnsignOptions,
  type PayloadSerializer,
  type SerializerOptions,
  type LoadsOptions,
  type TimedLoadsOptions,
} from './sessions/signing.ts'
export { Session, NullSession, type SessionData } from './core/session.ts'
export { SessionInterface } from './core/session-interface.ts'
export { SecureCookieSessionInterface } from './sessions/cookie-session.ts'
export * from './routing/index.ts'
export { sendFile, sendFromDirectory, safeJoin, type SendFileOptions, type SendFileSource, type MaxAge } from './static/index.ts'
export { toNodeHandler } from './server/node.ts'
export { createLogger, wantsPrettyLogs, accessLogStart, logAccess, echoRequestId, LOGGING_DEFAULTS } from './logging.ts'
export { serve, applyTimeouts, closeGracefully, type ServeOptions, type RunningServer } from './server/serve.ts'
export { handleFetch } from './server/fetch.ts'
export { AppCli, CommandGroup, CliError, type CliCommand } from './core/commands.ts'
export { CliRunner, testCliRunner, type InvokeOptions } from './cli/runner.ts'
export type { ArgumentSpec, OptionSpec, CommandSpec, GroupSpec, CommandAction, ArgumentsOf, OptionsOf, CliResult } from './core/command-types.ts'
export { TestClient, TestResponse, type TestFile, type TestRequestInit } from './testing/client.ts'
export type * from './core/types.ts'
