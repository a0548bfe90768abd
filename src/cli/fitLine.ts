/**
 * Fitting a status line to the terminal: fields are dropped from the right, words from the right
 * of the last field kept, and nothing is ever cut mid-word (Transmission's line fits 80 columns;
 * ours lost its ETA and peers to the cut).
 *
 * @module
 */

/** Separator between fields. */
export const FIELD_SEPARATOR = ' · ';

/**
 * The longest prefix of `fields` (joined with {@link FIELD_SEPARATOR}) that fits `width` columns;
 * if even the first field is too wide, as many of its leading words as fit.
 *
 * @param fields - most important first
 * @param width - columns available (characters; the symbols used are one column each)
 * @returns the line, possibly empty
 * @example
 * ```ts
 * fitFields(['downloading 1.0/3.0 MiB', 'ETA 4s', '3 peers'], 32); // 'downloading 1.0/3.0 MiB · ETA 4s'
 * ```
 */
export function fitFields(fields: readonly string[], width: number): string {
  let line = '';
  for (const field of fields) {
    const next = line === '' ? field : `${line}${FIELD_SEPARATOR}${field}`;
    if (next.length <= width) {
      line = next;
      continue;
    }
    if (line !== '') return line;
    // Not even the first field fits: its words, from the left.
    let words = '';
    for (const word of field.split(' ')) {
      const more = words === '' ? word : `${words} ${word}`;
      if (more.length > width) break;
      words = more;
    }
    return words;
  }
  return line;
}
