/**
 * The `Content-Disposition` header of a sent file (RFC 6266).
 */
const ATTR_CHAR = /[^A-Za-z0-9!#$&+\-.^_`|~]/gu;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;
function encodeRfc5987(value) {
    return value.replace(ATTR_CHAR, (ch) => [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}
/**
 * A `Content-Disposition` value: `inline` or `attachment` with the file name.
 * An ASCII name is sent as `filename="…"`; any other name also gets
 * `filename*=UTF-8''…` (percent-encoded UTF-8) with an ASCII fallback in
 * `filename` made by NFKD-normalising and dropping what is left outside
 * ASCII, as Werkzeug does. Control characters are dropped from the
 * fallback (they are percent-encoded in `filename*`), and `"` and `\` are escaped.
 *
 * @example
 * ```ts
 * contentDisposition('report.pdf', true)    // 'attachment; filename="report.pdf"'
 * contentDisposition('résumé.pdf', true)    // `attachment; filename="resume.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`
 * contentDisposition('logo.png', false)     // 'inline; filename="logo.png"'
 * ```
 */
export function contentDisposition(filename, asAttachment) {
    const kind = asAttachment ? 'attachment' : 'inline';
    const quote = (s) => `"${s.replace(CONTROL, '').replace(/[\\"]/g, '\\$&')}"`;
    // eslint-disable-next-line no-control-regex
    if (/^[\x20-\x7e]*$/.test(filename))
        return `${kind}; filename=${quote(filename)}`;
    // eslint-disable-next-line no-control-regex
    const fallback = filename.normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
    return `${kind}; filename=${quote(fallback)}; filename*=UTF-8''${encodeRfc5987(filename)}`;
}
