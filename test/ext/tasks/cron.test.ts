/**
 * The cron expressions of periodic tasks (UTC): fields, names, steps,
 * ranges, the day-of-month / weekday rule, shortcuts, and clear errors.
 */
import { describe, expect, it } from 'vitest'
import { CronSchedule } from 'phial/tasks'

const next = (expr: string, after: string): string | undefined => CronSchedule.parse(expr).next(new Date(after))?.toISOString()

describe('CronSchedule', () => {
  it('finds the next matching minute', () => {
    expect(next('*/15 * * * *', '2026-01-01T10:07:30Z')).toBe('2026-01-01T10:15:00.000Z')
    expect(next('0 9 * * mon-fri', '2026-12-04T09:00:00Z')).toBe('2026-12-07T09:00:00.000Z') // Friday 09:00 → Monday
    expect(next('30 2 1 jan,jul *', '2026-02-01T00:00:00Z')).toBe('2026-07-01T02:30:00.000Z')
    expect(next('0 0 29 2 *', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z')
    expect(next('5-10/5 * * * *', '2026-01-01T00:06:00Z')).toBe('2026-01-01T00:10:00.000Z')
  })

  it('is strictly after the given time, and takes seconds as a sixth field', () => {
    expect(next('* * * * *', '2026-01-01T00:00:00Z')).toBe('2026-01-01T00:01:00.000Z')
    expect(next('*/10 * * * * *', '2026-01-01T00:00:05Z')).toBe('2026-01-01T00:00:10.000Z')
  })

  it('either day field may match when both are restricted (Vixie cron)', () => {
    // the 13th, or any Friday
    expect(next('0 0 13 * fri', '2026-11-01T00:00:00Z')).toBe('2026-11-06T00:00:00.000Z')
    expect(next('0 0 13 * 5', '2026-11-06T00:00:00Z')).toBe('2026-11-13T00:00:00.000Z')
    expect(next('0 0 * * 7', '2026-11-30T00:00:00Z')).toBe('2026-12-06T00:00:00.000Z') // 7 is Sunday
  })

  it('knows the @ shortcuts', () => {
    expect(next('@daily', '2026-03-01T12:00:00Z')).toBe('2026-03-02T00:00:00.000Z')
    expect(next('@hourly', '2026-03-01T12:00:00Z')).toBe('2026-03-01T13:00:00.000Z')
    expect(next('@weekly', '2026-12-01T00:00:00Z')).toBe('2026-12-06T00:00:00.000Z')
  })

  it('returns null for a date that never comes', () => {
    expect(next('0 0 30 2 *', '2026-01-01T00:00:00Z')).toBeUndefined()
  })

  it('names the bad field', () => {
    expect(() => CronSchedule.parse('* * *')).toThrow(/has 3 fields; it needs 5/)
    expect(() => CronSchedule.parse('60 * * * *')).toThrow(/minute '60' is out of range 0-59/)
    expect(() => CronSchedule.parse('* 24 * * *')).toThrow(/hour '24' is out of range 0-23/)
    expect(() => CronSchedule.parse('* * 0 * *')).toThrow(/day of month '0' is out of range 1-31/)
    expect(() => CronSchedule.parse('* * * foo *')).toThrow(/month 'foo' is not a number or a name/)
    expect(() => CronSchedule.parse('*/0 * * * *')).toThrow(/step '0' must be a positive number/)
    expect(() => CronSchedule.parse('10-5 * * * *')).toThrow(/range '10-5' goes backwards/)
  })
})
