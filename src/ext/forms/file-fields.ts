/**
 * File fields and their validators (Flask-WTF's `FileField`,
 * `MultipleFileField`, `FileRequired`, `FileAllowed`, `FileSize`).
 */
import type { FileStorage } from 'phial'
import { Field, type BoundField, type FieldOptions, type Submitted } from './field.ts'
import { inputTag } from './fields.ts'
import type { HtmlAttrs } from './html.ts'
import { StopValidation, ValidationError, type Validator } from './validators.ts'

/** A real upload: a file input left empty sends a part without a file name. */
function chosen(file: FileStorage): boolean {
  return typeof file.filename === 'string' && file.filename !== ''
}

/**
 * A file input (Flask-WTF's `FileField`): `data` is the uploaded
 * `FileStorage`, or `undefined` when no file was chosen. The form must be
 * sent as `multipart/form-data`.
 *
 * @example
 * ```ts
 * photo: new FileField('Photo', { validators: [fileRequired(), fileAllowed(['jpg', 'png'], 'Images only!')] })
 * ```
 */
export class FileField<O = FileStorage | undefined> extends Field<FileStorage | undefined, O> {
  readonly type: string = 'FileField'
  override readonly acceptsFiles: boolean = true
  override readonly hideValue: boolean = true
  constructor(label?: string, options?: FieldOptions<FileStorage | undefined, O>) {
    super(label, options)
  }
  convert(submitted: Submitted): FileStorage | undefined {
    return submitted.files.find(chosen)
  }
  widget(field: BoundField<O>, attrs: HtmlAttrs): string {
    return inputTag('file', field, attrs)
  }
}

/**
 * A file input with `multiple` (Flask-WTF's `MultipleFileField`): `data`
 * is the list of uploaded files (empty when none was chosen).
 *
 * @example
 * ```ts
 * photos: new MultipleFileField('Photos', { validators: [fileRequired(), fileSize({ max: 5 * 1024 * 1024 })] })
 * ```
 */
export class MultipleFileField<O = FileStorage[]> extends Field<FileStorage[], O> {
  readonly type: string = 'MultipleFileField'
  override readonly acceptsFiles: boolean = true
  override readonly hideValue: boolean = true
  constructor(label?: string, options?: FieldOptions<FileStorage[], O>) {
    super(label, options)
  }
  convert(submitted: Submitted): FileStorage[] {
    return submitted.files.filter(chosen)
  }
  widget(field: BoundField<O>, attrs: HtmlAttrs): string {
    return inputTag('file', field, { multiple: true, ...attrs })
  }
}

type FileValue = FileStorage | readonly FileStorage[] | undefined

function filesOf(value: FileValue): readonly FileStorage[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value as FileStorage]
}

/**
 * Refuses a file field without a chosen file, and stops its validation
 * (Flask-WTF's `FileRequired`; the message defaults to "This field is required.").
 *
 * @example
 * ```ts
 * new FileField('Photo', { validators: [fileRequired('Choose a photo.')] })
 * ```
 */
export function fileRequired(message?: string): Validator<FileValue> {
  return (value) => {
    if (filesOf(value).length === 0) throw new StopValidation(message ?? 'This field is required.')
  }
}

/**
 * What {@link fileAllowed} accepts besides a list of extensions: an upload
 * set (`phial/uploads`' `UploadSet`), which decides by its own rules.
 *
 * @example
 * ```ts
 * const onlyPdf: AllowsFiles = { fileAllowed: (file, name) => name.endsWith('.pdf') && file.mimetype === 'application/pdf' }
 * ```
 */
export interface AllowsFiles {
  fileAllowed(file: FileStorage, basename: string): boolean
}

/** The extension of a file name, lower case, without the dot (`''` for `.bashrc` or `README`). */
function extensionOf(filename: string): string {
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1)
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
}

/**
 * Refuses files whose extension is not in the list ("File does not have an
 * approved extension: jpg, png"), or that an upload set does not allow
 * ("File does not have an approved extension."). No file passes (pair it
 * with {@link fileRequired}).
 *
 * @example
 * ```ts
 * new FileField('Avatar', { validators: [fileAllowed(['jpg', 'png'], 'Images only!')] })
 * new FileField('Avatar', { validators: [fileAllowed(photos)] })   // an UploadSet
 * ```
 */
export function fileAllowed(allowed: Iterable<string> | AllowsFiles, message?: string): Validator<FileValue> {
  if (typeof (allowed as AllowsFiles).fileAllowed === 'function') {
    const set = allowed as AllowsFiles
    return (value) => {
      for (const file of filesOf(value)) {
        if (!set.fileAllowed(file, file.filename ?? '')) throw new StopValidation(message ?? 'File does not have an approved extension.')
      }
    }
  }
  const list = [...(allowed as Iterable<string>)]
  const extensions = new Set(list.map((e) => e.replace(/^\./, '').toLowerCase()))
  return (value) => {
    for (const file of filesOf(value)) {
      const ext = extensionOf(file.filename ?? '')
      if (ext === '' || !extensions.has(ext)) {
        throw new StopValidation(message ?? `File does not have an approved extension: ${list.join(', ')}`)
      }
    }
  }
}

/**
 * Size bounds of {@link fileSize}, in bytes.
 *
 * @example
 * ```ts
 * const bounds: FileSizeBounds = { max: 2 * 1024 * 1024, min: 1 }
 * ```
 */
export interface FileSizeBounds {
  max: number
  min?: number
}

/**
 * Refuses a file smaller than `min` (default 0) or larger than `max` bytes
 * ("File must be between 0 and 100 bytes.", Flask-WTF's `FileSize`).
 *
 * @example
 * ```ts
 * new FileField('CV', { validators: [fileSize({ max: 1024 * 1024 }, 'Keep it under 1 MiB.')] })
 * ```
 */
export function fileSize(bounds: FileSizeBounds, message?: string): Validator<FileValue> {
  const min = bounds.min ?? 0
  return (value) => {
    for (const file of filesOf(value)) {
      if (file.size < min || file.size > bounds.max) {
        throw new ValidationError(message ?? `File must be between ${min} and ${bounds.max} bytes.`)
      }
    }
  }
}
