/**
 * Flask's `Config`: the keys and their defaults (keys.ts) and the loaders
 * (config.ts).
 *
 * @module
 */
export { DEFAULT_CONFIG, type ConfigValues, type CoreConfigValues } from './keys.ts'
export {
  Config,
  type ConfigMapping,
  type FromEnvVarOptions,
  type FromFileOptions,
  type FromPrefixedEnvOptions,
  type GetNamespaceOptions,
} from './config.ts'
