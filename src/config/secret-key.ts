/**
 * Recognises a `SECRET_KEY` that protects nothing: one printed in tutorials
 * and docs (`'dev'`, `'secret'`, `'changeme'`, …) or too short to resist a
 * guess. A forged session cookie signed with such a key logs anyone in, so the
 * server warns at startup whenever one is used outside debug and testing.
 */

/** Keys seen in tutorials, generators and docs: anyone can sign with them. */
const PUBLIC_KEYS = new Set([
  'dev', 'development', 'secret', 'secret-key', 'secret_key', 'secretkey', 'mysecret', 'my-secret',
  'changeme', 'change-me', 'change_me', 'please-change-me', 'test', 'testing', 'default', 'key',
  'password', 'super-secret', 'supersecret', 'your-secret-key', 'your_secret_key', 'not-a-secret',
  'phial', 'flask', 'flaskr', 'hello',
])

/** Shorter than this many characters is too short (Flask's docs suggest `secrets.token_hex()`, 64). */
export const MIN_SECRET_KEY_LENGTH = 24

/**
 * Why `key` is weak, or `null` when it is not (an unset key is not reported:
 * sessions then refuse to be written with their own clear error).
 *
 * @example
 * ```ts
 * weakSecretKeyReason('dev')          // "SECRET_KEY 'dev' is a published example key: …"
 * weakSecretKeyReason(randomHex(32))  // null
 * ```
 */
export function weakSecretKeyReason(key: string | Uint8Array | null | undefined): string | null {
  if (key == null) return null
  const text = typeof key === 'string' ? key : Buffer.from(key).toString('latin1')
  const fix = 'set a long random one, e.g. `node -e "console.log(crypto.randomBytes(32).toString(\'hex\'))"`'
  if (PUBLIC_KEYS.has(text.trim().toLowerCase())) return `SECRET_KEY '${text}' is a published example key: anyone can forge session cookies; ${fix}`
  if (text.length < MIN_SECRET_KEY_LENGTH) return `SECRET_KEY is only ${text.length} characters long: it can be guessed; ${fix}`
  return null
}
