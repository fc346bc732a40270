/** The shape of the docs' quick start module, for the docs test. */
import type { Phial } from 'phial'
import type { SQL } from 'phial/sql'

export declare const app: Phial
export declare const db: SQL
