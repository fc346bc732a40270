/**
 * Python's `datetime.strftime` for JavaScript dates, so that Jinja templates
 * written as `{{ post.created.strftime('%Y-%m-%d') }}` work unchanged. Local
 * time, English names (Python's C locale).
 *
 * @module
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
]

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

function dayOfYear(d: Date): number {
  const start = new Date(d.getFullYear(), 0, 1)
  return Math.round((new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() - start.getTime()) / 86_400_000) + 1
}

function offset(d: Date, colon: boolean): string {
  const minutes = -d.getTimezoneOffset()
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`
}

function directive(d: Date, c: string): string | null {
  switch (c) {
    case 'a': return DAYS[d.getDay()]!.slice(0, 3)
    case 'A': return DAYS[d.getDay()]!
    case 'w': return String(d.getDay())
    case 'd': return pad(d.getDate())
    case 'b': return MONTHS[d.getMonth()]!.slice(0, 3)
    case 'B': return MONTHS[d.getMonth()]!
    case 'm': return pad(d.getMonth() + 1)
    case 'y': return pad(d.getFullYear() % 100)
    case 'Y': return String(d.getFullYear())
    case 'H': return pad(d.getHours())
    case 'I': return pad(d.getHours() % 12 || 12)
    case 'p': return d.getHours() < 12 ? 'AM' : 'PM'
    case 'M': return pad(d.getMinutes())
    case 'S': return pad(d.getSeconds())
    case 'f': return pad(d.getMilliseconds() * 1000, 6)
    case 'z': return offset(d, false)
    case ':z': return offset(d, true)
    case 'j': return pad(dayOfYear(d), 3)
    case 'c': return `${directive(d, 'a')} ${directive(d, 'b')} ${String(d.getDate()).padStart(2, ' ')} ${directive(d, 'X')} ${d.getFullYear()}`
    case 'x': return `${directive(d, 'm')}/${directive(d, 'd')}/${directive(d, 'y')}`
    case 'X': return `${directive(d, 'H')}:${directive(d, 'M')}:${directive(d, 'S')}`
    case 'F': return `${d.getFullYear()}-${directive(d, 'm')}-${directive(d, 'd')}`
    case 'T': return directive(d, 'X')
    case '%': return '%'
    default: return null
  }
}

/**
 * Formats a date like Python's `strftime` (`%Y %m %d %H %M %S %f %a %A %b
 * %B %y %I %p %j %w %z %c %x %X %%`); unknown directives stay as written.
 *
 * @example
 * ```ts
 * strftime(new Date(2024, 0, 5, 14, 3), '%Y-%m-%d %I:%M %p') // '2024-01-05 02:03 PM'
 * ```
 */
export function strftime(date: Date, format: string): string {
  return format.replace(/%(:z|.)/gs, (match, c: string) => directive(date, c) ?? match)
}
