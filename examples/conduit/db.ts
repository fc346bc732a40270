/**
 * Conduit's database: `db` (phial/sql) and `migrate` (phial/migrate, the
 * revisions in migrations/versions). `DATABASE_URL` picks the database;
 * without it, SQLite in the instance folder (`instance/conduit.sqlite`).
 */
import { Migrate } from 'phial/migrate'
import { SQL } from 'phial/sql'

export const db = new SQL()
export const migrate = new Migrate()
