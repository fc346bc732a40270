/**
 * HTTP dates (RFC 9110 §5.6.7): formatting and lenient parsing.
 */
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850 = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;
/**
 * Formats a time (a `Date` or milliseconds since the epoch) as an
 * IMF-fixdate, the form HTTP senders must use.
 *
 * @example
 * ```ts
 * httpDate(0) // 'Thu, 01 Jan 1970 00:00:00 GMT'
 * ```
 */
export function httpDate(time) {
    return new Date(typeof time === 'number' ? time : time.getTime()).toUTCString();
}
/**
 * Parses an HTTP date in any of the three forms HTTP recipients must accept
 * (IMF-fixdate, RFC 850, asctime) into milliseconds since the epoch, or
 * `null` when the value is not one.
 *
 * @example
 * ```ts
 * parseHttpDate('Thu, 01 Jan 1970 00:00:01 GMT') // 1000
 * parseHttpDate('yesterday')                     // null
 * ```
 */
export function parseHttpDate(value) {
    if (!value)
        return null;
    const text = value.trim();
    let ms;
    if (IMF_FIXDATE.test(text) || RFC850.test(text))
        ms = Date.parse(text);
    else if (ASCTIME.test(text))
        ms = Date.parse(`${text} GMT`);
    else
        return null;
    return Number.isNaN(ms) ? null : ms;
}
