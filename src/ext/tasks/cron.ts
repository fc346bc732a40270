/**
 * Cron expressions for periodic tasks: five fields (minute hour day month
 * weekday) or six (with seconds first, as BullMQ accepts), lists, ranges,
 * steps, month and day names, and @hourly-style shortcuts. Times are UTC.
 * The in-process backend computes run times with it; on Redis the same
 * expression goes to BullMQ, and this parse validates it first.
 */

interface Field {
  readonly min: number
  readonly max: number
  readonly names?: readonly string[]
}

const SECOND: Field = { min: 0, max: 59 }
const MINUTE: Field = { min: 0, max: 59 }
const HOUR: Field = { min: 0, max: 23 }
const DAY: Field = { min: 1, max: 31 }
const MONTH: Field = { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] }
const WEEKDAY: Field = { min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] }

const SHORTCUTS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

/**
 * A parsed cron expression.
 *
 * @example
 * ```ts
 * const every15 = CronSchedule.parse('*\/15 * * * *')
 * every15.next(new Date('2026-01-01T10:07:00Z')) // 2026-01-01T10:15:00.000Z
 * ```
 */
export class CronSchedule {
  private constructor(
    readonly expression: string,
    private readonly seconds: ReadonlySet<number>,
    private readonly minutes: ReadonlySet<number>,
    private readonly hours: ReadonlySet<number>,
    private readonly days: ReadonlySet<number>,
    private readonly months: ReadonlySet<number>,
    private readonly weekdays: ReadonlySet<number>,
    private readonly anyDay: boolean,
    private readonly anyWeekday: boolean,
  ) {}

  /**
   * Parses an expression; throws a `SyntaxError` that names the bad field.
   *
   * @example
   * ```ts
   * CronSchedule.parse('0 9 * * mon-fri')   // 09:00 UTC on weekdays
   * CronSchedule.parse('61 * * * *')        // SyntaxError: ... minute '61' is out of range 0-59
   * ```
   */
  static parse(expression: string): CronSchedule {
    const source = expression.trim()
    const expanded = SHORTCUTS[source.toLowerCase()] ?? source
    const parts = expanded.split(/\s+/)
    if (parts.length !== 5 && parts.length !== 6) {
      throw new SyntaxError(`Cron expression '${expression}' has ${parts.length} fields; it needs 5 (minute hour day month weekday) or 6 (seconds first).`)
    }
    if (parts.length === 5) parts.unshift('0')
    const [s, mi, h, d, mo, w] = parts as [string, string, string, string, string, string]
    const field = (text: string, spec: Field, label: string): Set<number> => parseField(expression, text, spec, label)
    const weekdays = field(w, WEEKDAY, 'weekday')
    if (weekdays.delete(7)) weekdays.add(0)
    return new CronSchedule(
      expression,
      field(s, SECOND, 'second'),
      field(mi, MINUTE, 'minute'),
      field(h, HOUR, 'hour'),
      field(d, DAY, 'day of month'),
      field(mo, MONTH, 'month'),
      weekdays,
      d === '*' || d === '?',
      w === '*' || w === '?',
    )
  }

  #dayMatches(date: Date): boolean {
    const dom = this.days.has(date.getUTCDate())
    const dow = this.weekdays.has(date.getUTCDay())
    // Vixie cron: when both day fields are restricted, either one matching is enough.
    if (!this.anyDay && !this.anyWeekday) return dom || dow
    return dom && dow
  }

  /**
   * The first time strictly after `after` that matches, or null when none
   * does in the next eight years (`0 0 30 2 *`: February 30th).
   *
   * @example
   * ```ts
   * CronSchedule.parse('@daily').next(new Date('2026-03-01T12:00:00Z')) // 2026-03-02T00:00:00.000Z
   * ```
   */
  next(after: Date = new Date()): Date | null {
    const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000)
    const limit = after.getTime() + 8 * 366 * 86_400_000
    // Each step jumps to the start of the next month, day, hour or minute that can match.
    while (t.getTime() <= limit) {
      if (!this.months.has(t.getUTCMonth() + 1)) {
        t.setUTCMonth(t.getUTCMonth() + 1, 1)
        t.setUTCHours(0, 0, 0, 0)
      } else if (!this.#dayMatches(t)) {
        t.setUTCDate(t.getUTCDate() + 1)
        t.setUTCHours(0, 0, 0, 0)
      } else if (!this.hours.has(t.getUTCHours())) {
        t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0)
      } else if (!this.minutes.has(t.getUTCMinutes())) {
        t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0)
      } else if (!this.seconds.has(t.getUTCSeconds())) {
        t.setUTCSeconds(t.getUTCSeconds() + 1, 0)
      } else {
        return t
      }
    }
    return null
  }
}

function parseField(expression: string, text: string, spec: Field, label: string): Set<number> {
  const bad = (why: string): never => {
    throw new SyntaxError(`Cron expression '${expression}': ${label} ${why}.`)
  }
  const value = (word: string): number => {
    const lower = word.toLowerCase()
    const named = spec.names?.indexOf(lower) ?? -1
    if (named >= 0) return named + (spec === MONTH ? 1 : 0)
    if (!/^\d+$/.test(word)) bad(`'${word}' is not a number${spec.names ? ' or a name' : ''}`)
    const n = Number(word)
    if (n < spec.min || n > spec.max) bad(`'${word}' is out of range ${spec.min}-${spec.max}`)
    return n
  }
  const out = new Set<number>()
  for (const item of text.split(',')) {
    const [range, stepText, extra] = item.split('/')
    if (extra !== undefined || range === undefined || range === '') bad(`'${item}' is not a value, range or step`)
    let step = 1
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) bad(`step '${stepText}' must be a positive number`)
      step = Number(stepText)
    }
    let low: number
    let high: number
    if (range === '*' || range === '?') {
      low = spec.min
      high = spec === WEEKDAY ? 6 : spec.max
    } else if (range!.includes('-')) {
      const [a, b] = range!.split('-') as [string, string]
      low = value(a)
      high = value(b)
      if (low > high) bad(`range '${range}' goes backwards`)
    } else {
      low = value(range!)
      high = stepText === undefined ? low : spec === WEEKDAY ? 6 : spec.max
    }
    for (let n = low; n <= high; n += step) out.add(n)
  }
  return out
}
