import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Config, DEFAULT_CONFIG, type ConfigValues } from '../../src/config/index.ts'

let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'phial-config-'))
  writeFileSync(
    join(root, 'settings.json'),
    JSON.stringify({ SECRET_KEY: 'from-json', DEBUG: true, lower: 'ignored', NESTED: { a: [1, 2] } }),
  )
  writeFileSync(
    join(root, 'settings.toml'),
    [
      'SECRET_KEY = "from-toml"',
      'MAX_CONTENT_LENGTH = 1048576',
      'TRUSTED_HOSTS = ["example.com", ".example.org"]',
      'lower = "ignored"',
      '',
      '[MAIL]',
      'HOST = "smtp.example.com"',
      'PORT = 587',
    ].join('\n'),
  )
  writeFileSync(join(root, 'broken.json'), '{ "SECRET_KEY": ')
  writeFileSync(join(root, 'broken.toml'), 'SECRET_KEY = ')
  writeFileSync(join(root, 'array.json'), '[1, 2]')
  writeFileSync(join(root, 'settings.ini'), 'SECRET_KEY=ini\nlower=x\n')
  mkdirSync(join(root, 'instance'))
  writeFileSync(join(root, 'instance', 'local.json'), '{"TESTING": true}')
  writeFileSync(join(root, 'proto.json'), '{"__proto__": {"polluted": true}, "SAFE": {"__proto__": {"polluted": true}}}')
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

function parseIni(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => line.split('=') as [string, string]),
  )
}

describe('defaults', () => {
  it('starts from DEFAULT_CONFIG with Flask values and Phial security defaults', () => {
    const config = new Config(root)
    expect(config.DEBUG).toBe(false)
    expect(config.TESTING).toBe(false)
    expect(config.SECRET_KEY).toBeNull()
    expect(config.PERMANENT_SESSION_LIFETIME).toBe(31 * 24 * 3600)
    expect(config.APPLICATION_ROOT).toBe('/')
    expect(config.SESSION_COOKIE_NAME).toBe('session')
    expect(config.SESSION_COOKIE_HTTPONLY).toBe(true)
    expect(config.SESSION_COOKIE_SAMESITE).toBeNull()
    expect(config.MAX_CONTENT_LENGTH).toBe(16 * 1024 * 1024)
    expect(config.MAX_FORM_MEMORY_SIZE).toBe(500_000)
    expect(config.MAX_FORM_PARTS).toBe(1000)
    expect(config.MAX_COOKIE_SIZE).toBe(4093)
    expect(config.PREFERRED_URL_SCHEME).toBe('http')
    expect(config.PROVIDE_AUTOMATIC_OPTIONS).toBe(true)
    expect(config.LOG_LEVEL).toBe('info')
    expect(config.TRUST_PROXY).toBe(0)
    expect(config.toObject()).toEqual({ ...DEFAULT_CONFIG })
  })

  it('DEFAULT_CONFIG is frozen and not shared with instances', () => {
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true)
    const config = new Config(root)
    config.DEBUG = true
    expect(DEFAULT_CONFIG.DEBUG).toBe(false)
    expect(new Config(root).DEBUG).toBe(false)
  })

  it('applies constructor defaults (upper-case keys only)', () => {
    const config = new Config(root, { SECRET_KEY: 'dev', EXTRA: 1, lower: 2 })
    expect(config.SECRET_KEY).toBe('dev')
    expect(config.EXTRA).toBe(1)
    expect(config.lower).toBeUndefined()
  })

  it('accepts a file URL as root path and exposes rootPath', () => {
    expect(new Config(pathToFileURL(root)).rootPath).toBe(root)
    expect(new Config(pathToFileURL(root).href).rootPath).toBe(root)
    expect(new Config(root).rootPath).toBe(root)
  })

  it('keeps rootPath and methods out of the keys', () => {
    const keys = Object.keys(new Config(root))
    expect(keys).not.toContain('rootPath')
    expect(keys.every((k) => k === k.toUpperCase())).toBe(true)
  })
})

describe('fromObject', () => {
  it('reads static fields of a class and its parents', () => {
    class BaseConfig {
      static TESTING = false
      static DATABASE_URL = 'sqlite://:memory:'
      static helper = 'ignored'
    }
    class ProductionConfig extends BaseConfig {
      static override DATABASE_URL = 'postgres://db/prod'
    }
    const config = new Config(root).fromObject(ProductionConfig)
    expect(config.DATABASE_URL).toBe('postgres://db/prod')
    expect(config.TESTING).toBe(false)
    expect(config.helper).toBeUndefined()
  })

  it('reads instance fields and prototype getters, like Python properties', () => {
    class Settings {
      DB_SERVER = '192.168.1.56'
      get DATABASE_URI(): string {
        return `mysql://user@${this.DB_SERVER}/foo`
      }
    }
    class DevSettings extends Settings {
      override DB_SERVER = 'localhost'
    }
    const config = new Config(root).fromObject(new DevSettings())
    expect(config.DATABASE_URI).toBe('mysql://user@localhost/foo')
    expect(config.DB_SERVER).toBe('localhost')
  })

  it('reads static getters', () => {
    class WithGetter {
      static get COMPUTED(): number {
        return 6 * 7
      }
    }
    expect(new Config(root).fromObject(WithGetter).COMPUTED).toBe(42)
  })

  it('reads plain objects and module-like objects with null prototype', () => {
    const ns = Object.assign(Object.create(null) as Record<string, unknown>, { SECRET_KEY: 'ns', other: 1 })
    const config = new Config(root).fromObject({ DEBUG: true, x: 1 }).fromObject(ns)
    expect(config.DEBUG).toBe(true)
    expect(config.SECRET_KEY).toBe('ns')
    expect(config.x).toBeUndefined()
    expect(config.other).toBeUndefined()
  })

  it('rejects non-objects', () => {
    expect(() => new Config(root).fromObject(null as unknown as object)).toThrow(TypeError)
    expect(() => new Config(root).fromObject('module.path' as unknown as object)).toThrow(TypeError)
  })
})

describe('fromFile', () => {
  it('loads JSON relative to the root path, upper-case keys only', () => {
    const config = new Config(root).fromFile('settings.json')
    expect(config.SECRET_KEY).toBe('from-json')
    expect(config.DEBUG).toBe(true)
    expect(config.NESTED).toEqual({ a: [1, 2] })
    expect(config.lower).toBeUndefined()
  })

  it('loads TOML, including tables', () => {
    const config = new Config(root).fromFile('settings.toml')
    expect(config.SECRET_KEY).toBe('from-toml')
    expect(config.MAX_CONTENT_LENGTH).toBe(1048576)
    expect(config.TRUSTED_HOSTS).toEqual(['example.com', '.example.org'])
    expect(config.MAIL).toEqual({ HOST: 'smtp.example.com', PORT: 587 })
    expect(config.lower).toBeUndefined()
  })

  it('accepts absolute paths and subdirectories', () => {
    expect(new Config('/').fromFile(join(root, 'settings.json')).SECRET_KEY).toBe('from-json')
    expect(new Config(root).fromFile('instance/local.json').TESTING).toBe(true)
  })

  it('uses a custom loader for other formats, and requires one', () => {
    expect(new Config(root).fromFile('settings.ini', { load: parseIni }).SECRET_KEY).toBe('ini')
    expect(() => new Config(root).fromFile('settings.ini')).toThrow(/pass options\.load/)
  })

  it('names the absolute path of a missing file', () => {
    const missing = join(root, 'missing.toml')
    let error: unknown
    try {
      new Config(root).fromFile('missing.toml')
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain(missing)
    expect((error as Error).message).toContain('no such file')
    expect((error as { code: string }).code).toBe('ENOENT')
    expect((error as { path: string }).path).toBe(missing)
  })

  it('is quiet about a missing file or a directory when silent', () => {
    const config = new Config(root)
    expect(config.fromFile('missing.json', { silent: true })).toBe(config)
    expect(config.fromFile('instance', { silent: true, load: JSON.parse })).toBe(config)
    expect(config.SECRET_KEY).toBeNull()
  })

  it('still reports invalid files when silent', () => {
    expect(() => new Config(root).fromFile('broken.json', { silent: true })).toThrow(/Invalid configuration file .*broken\.json/)
    expect(() => new Config(root).fromFile('broken.toml')).toThrow(/Invalid configuration file .*broken\.toml/)
    expect(() => new Config(root).fromFile('array.json')).toThrow(/must hold an object/)
  })

  it('ignores __proto__ keys and does not pollute prototypes', () => {
    const config = new Config(root).fromFile('proto.json')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect((config as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(config)).toBe(Config.prototype)
    expect(Object.getPrototypeOf(config.SAFE)).toBe(Object.prototype)
  })
})

describe('fromMapping', () => {
  it('copies upper-case keys; extra wins', () => {
    const config = new Config(root).fromMapping({ SECRET_KEY: 'a', TESTING: true, lower: 1 }, { SECRET_KEY: 'b' })
    expect(config.SECRET_KEY).toBe('b')
    expect(config.TESTING).toBe(true)
    expect(config.lower).toBeUndefined()
    expect(new Config(root).fromMapping().SECRET_KEY).toBeNull()
  })

  it('ignores __proto__ and constructor keys', () => {
    const mapping = JSON.parse('{"__proto__": {"DEBUG": true}, "constructor": 1, "OK": 2}') as Record<string, unknown>
    const config = new Config(root).fromMapping(mapping)
    expect(config.OK).toBe(2)
    expect(config.DEBUG).toBe(false)
    expect(Object.getPrototypeOf(config)).toBe(Config.prototype)
    expect(typeof config.constructor).toBe('function')
  })

  it('type-checks known keys and accepts interface-typed values', () => {
    interface Overrides {
      DEBUG: boolean
      DATABASE_URL: string
    }
    const overrides: Overrides = { DEBUG: true, DATABASE_URL: 'sqlite://' }
    const config = new Config(root).fromMapping(overrides)
    expect(config.DATABASE_URL).toBe('sqlite://')
    // @ts-expect-error DEBUG must be a boolean
    new Config(root).fromMapping({ DEBUG: 'yes' })
    // @ts-expect-error SESSION_COOKIE_SAMESITE is a union of literals
    new Config(root).fromMapping({ SESSION_COOKIE_SAMESITE: 'lax' })
  })
})

describe('fromPrefixedEnv', () => {
  const env = {
    PHIAL_SECRET_KEY: 'plain string',
    PHIAL_DEBUG: 'true',
    PHIAL_MAX_CONTENT_LENGTH: '1024',
    PHIAL_TRUSTED_HOSTS: '["a.com","b.com"]',
    PHIAL_SEND_FILE_MAX_AGE_DEFAULT: 'null',
    PHIAL_QUOTED: '"123"',
    PHIAL_MAIL__HOST: 'smtp.example.com',
    PHIAL_MAIL__PORT: '587',
    PHIAL_DB__POOL__SIZE: '5',
    PHIAL_lower: 'ignored',
    PHIAL_fromFile: 'ignored',
    PHIAL_A____B: 'ignored',
    PHIAL_X__constructor: 'ignored',
    OTHER_SECRET_KEY: 'ignored',
    PHIALX_DEBUG: 'ignored',
  }

  it('loads prefixed variables, parsing JSON values', () => {
    const config = new Config(root).fromPrefixedEnv('PHIAL', { env })
    expect(config.SECRET_KEY).toBe('plain string')
    expect(config.DEBUG).toBe(true)
    expect(config.MAX_CONTENT_LENGTH).toBe(1024)
    expect(config.TRUSTED_HOSTS).toEqual(['a.com', 'b.com'])
    expect(config.SEND_FILE_MAX_AGE_DEFAULT).toBeNull()
    expect(config.QUOTED).toBe('123')
    expect(typeof config.fromFile).toBe('function')
    expect(config.lower).toBeUndefined()
    expect(config.A).toBeUndefined()
    expect(config.X).toBeUndefined()
  })

  it('sets nested keys with a double underscore', () => {
    const config = new Config(root).fromPrefixedEnv('PHIAL', { env })
    expect(config.MAIL).toEqual({ HOST: 'smtp.example.com', PORT: 587 })
    expect(config.DB).toEqual({ POOL: { SIZE: 5 } })
  })

  it('merges nested keys into an existing object without mutating it', () => {
    const shared = { HOST: 'old', USE_TLS: true }
    const config = new Config(root, { MAIL: shared }).fromPrefixedEnv('PHIAL', {
      env: { PHIAL_MAIL__HOST: 'new' },
    })
    expect(config.MAIL).toEqual({ HOST: 'new', USE_TLS: true })
    expect(shared.HOST).toBe('old')
  })

  it('refuses to nest into a non-object', () => {
    expect(() =>
      new Config(root, { MAIL: 'a string' }).fromPrefixedEnv('PHIAL', { env: { PHIAL_MAIL__HOST: 'x' } }),
    ).toThrow(/PHIAL_MAIL__HOST/)
  })

  it('uses a custom prefix and loads function', () => {
    const config = new Config(root).fromPrefixedEnv('MYAPP', {
      env: { MYAPP_PORT: '80', PHIAL_PORT: '1' },
      loads: (v) => `<${v}>`,
    })
    expect(config.PORT).toBe('<80>')
  })

  it('reads process.env by default', () => {
    process.env.PHIALTEST_FROM_PROCESS = '{"ok":true}'
    try {
      expect(new Config(root).fromPrefixedEnv('PHIALTEST').FROM_PROCESS).toEqual({ ok: true })
    } finally {
      delete process.env.PHIALTEST_FROM_PROCESS
    }
  })

  it('applies variables in sorted order', () => {
    const config = new Config(root).fromPrefixedEnv('PHIAL', {
      env: { PHIAL_S__K: '2', PHIAL_S: '{"K": 1, "J": 0}' },
    })
    expect(config.S).toEqual({ K: 2, J: 0 })
  })
})

describe('fromEnvVar', () => {
  it('loads the file named by the variable', () => {
    const config = new Config(root).fromEnvVar('APP_SETTINGS', { env: { APP_SETTINGS: 'settings.toml' } })
    expect(config.SECRET_KEY).toBe('from-toml')
  })

  it('explains an unset variable, unless silent', () => {
    expect(() => new Config(root).fromEnvVar('APP_SETTINGS', { env: {} })).toThrow(
      /environment variable 'APP_SETTINGS' is not set/,
    )
    expect(new Config(root).fromEnvVar('APP_SETTINGS', { env: {}, silent: true }).SECRET_KEY).toBeNull()
  })

  it('passes silent on to the file', () => {
    expect(() => new Config(root).fromEnvVar('S', { env: { S: 'nope.json' } })).toThrow(/nope\.json/)
    expect(new Config(root).fromEnvVar('S', { env: { S: 'nope.json' }, silent: true }).SECRET_KEY).toBeNull()
  })

  it('reads process.env by default', () => {
    process.env.PHIAL_TEST_SETTINGS_FILE = join(root, 'settings.json')
    try {
      expect(new Config(root).fromEnvVar('PHIAL_TEST_SETTINGS_FILE').SECRET_KEY).toBe('from-json')
    } finally {
      delete process.env.PHIAL_TEST_SETTINGS_FILE
    }
  })
})

describe('getNamespace, setDefault, get, toObject', () => {
  const make = () =>
    new Config(root).fromMapping({
      IMAGE_STORE_TYPE: 'fs',
      IMAGE_STORE_PATH: '/var/app/images',
      IMAGE_STORE_BASE_URL: 'http://img.website.com',
      IMAGES: 'not in the namespace',
    })

  it("getNamespace follows Flask's example", () => {
    expect(make().getNamespace('IMAGE_STORE_')).toEqual({
      type: 'fs',
      path: '/var/app/images',
      base_url: 'http://img.website.com',
    })
    expect(make().getNamespace('IMAGE_STORE_', { lowercase: false })).toEqual({
      TYPE: 'fs',
      PATH: '/var/app/images',
      BASE_URL: 'http://img.website.com',
    })
    expect(Object.keys(make().getNamespace('IMAGE_STORE_', { trimNamespace: false }))).toEqual([
      'image_store_type',
      'image_store_path',
      'image_store_base_url',
    ])
  })

  it('getNamespace never sets a prototype', () => {
    const config = new Config(root).fromMapping({ X__PROTO__: { polluted: true } })
    const ns = config.getNamespace('X')
    expect(Object.getPrototypeOf(ns)).toBe(Object.prototype)
    expect(Object.hasOwn(ns, '__proto__')).toBe(true)
  })

  it('setDefault keeps existing values and sets missing ones', () => {
    const config = new Config(root)
    expect(config.setDefault('SESSION_COOKIE_NAME', 'other')).toBe('session')
    expect(config.setDefault('CACHE_TYPE', 'memory')).toBe('memory')
    expect(config.CACHE_TYPE).toBe('memory')
    expect(config.setDefault('CACHE_TYPE', 'redis')).toBe('memory')
  })

  it('setDefault refuses names of methods', () => {
    const config = new Config(root)
    expect(() => config.setDefault('fromFile', 1)).toThrow(TypeError)
    expect(() => config.setDefault('__proto__', {})).toThrow(TypeError)
    expect(() => config.setDefault('rootPath', '/')).toThrow(TypeError)
    expect(() => config.setDefault('toString', 1)).toThrow(TypeError)
  })

  it('get reads keys with their types', () => {
    const config = new Config(root)
    const lifetime: number = config.get('PERMANENT_SESSION_LIFETIME')
    expect(lifetime).toBe(2678400)
    expect(config.get('NOT_SET')).toBeUndefined()
    expect(config.get('fromFile')).toBeUndefined()
  })

  it('toObject is a plain shallow copy', () => {
    const config = make()
    const copy = config.toObject()
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype)
    expect(copy.IMAGE_STORE_TYPE).toBe('fs')
    copy.IMAGE_STORE_TYPE = 'changed'
    expect(config.IMAGE_STORE_TYPE).toBe('fs')
    expect(copy).not.toHaveProperty('rootPath')
  })
})

describe('chaining and typing', () => {
  it('chains every loader', () => {
    class Defaults {
      static SECRET_KEY = 'from-object'
      static LEVEL = 1
    }
    const config = new Config(root)
      .fromObject(Defaults)
      .fromFile('settings.json')
      .fromPrefixedEnv('PHIAL', { env: { PHIAL_LEVEL: '2' } })
      .fromMapping({ TESTING: true })
      .fromEnvVar('UNSET', { env: {}, silent: true })
    expect(config.SECRET_KEY).toBe('from-json')
    expect(config.LEVEL).toBe(2)
    expect(config.TESTING).toBe(true)
  })

  it('types known keys on the instance', () => {
    const config = new Config(root)
    const debug: boolean = config.DEBUG
    const secret: string | null = config.SECRET_KEY
    const sameSite: ConfigValues['SESSION_COOKIE_SAMESITE'] = config.SESSION_COOKIE_SAMESITE
    const other: unknown = config.ANYTHING_ELSE
    expect([debug, secret, sameSite, other]).toEqual([false, null, null, undefined])
    config.SESSION_COOKIE_SAMESITE = 'Lax'
    // @ts-expect-error not a valid SameSite value
    config.SESSION_COOKIE_SAMESITE = 'lax'
  })
})
