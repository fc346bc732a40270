/**
 * WTForms' validator protocol: a function of the value that returns (or
 * throws) a message; `StopValidation` also ends the field's chain.
 */
import type { BoundField } from './field.ts'

/**
 * A failed check: the message becomes one of the field's errors and the
 * following validators still run (WTForms' `ValidationError`).
 *
 * @example
 * ```ts
 * const noSpaces: Validator<string> = (v) => { if (v.includes(' ')) throw new ValidationError('No spaces, please.') }
 * ```
 */
export class ValidationError extends Error {
  override name = 'ValidationError'
}

/**
 * A failed check that ends the field's validation: later validators and the
 * schema do not run (WTForms' `StopValidation`). An empty message adds no
 * error.
 *
 * @example
 * ```ts
 * const notBlank: Validator<string> = (v) => { if (!v.trim()) throw new StopValidation('Say something.') }
 * ```
 */
export class StopValidation extends Error {
  override name = 'StopValidation'
}

/**
 * A field validator: runs on the converted value before the schema; returns
 * a message (or throws {@link ValidationError} / {@link StopValidation}) to
 * refuse it, returns nothing to accept it.
 *
 * @example
 * ```ts
 * const even: Validator<number | undefined> = (n) => (n !== undefined && n % 2 ? 'Must be even.' : undefined)
 * new IntegerField('Pairs', { validators: [even] })
 * ```
 */
export type Validator<T> = (value: T, field: BoundField<unknown>) => string | void | undefined
