// Reads a face set's labels.csv: `file,group` and any further columns (gender, age...), one photo a row. The
// fairness audit reports every column except `file`; a column whose values are all whole numbers (an age) is
// reported in bands of ten, so that no cell holds a single person.

interface LabelledPhoto {
  /** Path relative to the folder holding labels.csv. */
  file: string;
  /** Column name to this photo's value (or band), `group` always among them. */
  labels: Record<string, string>;
}

export interface LabelSet {
  /** The reported columns, `group` first. */
  columns: string[];
  photos: LabelledPhoto[];
}

/** One CSV record per line; fields may be double-quoted (a quote inside written twice). */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('unclosed quote');
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** An empty cell or a spelled-out "not available". */
const missing = (v: string) => v === '' || /^(na|n\/a|unknown)$/i.test(v);

/** `20–29` for 24: bands of ten for numeric columns. */
export const band = (n: number) => `${Math.floor(n / 10) * 10}–${Math.floor(n / 10) * 10 + 9}`;

/** Parses labels.csv text; throws with the line number and what to fix on anything it cannot use. */
export function parseLabels(text: string): LabelSet {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== '');
  if (lines.length === 0) throw new Error('labels.csv is empty: expected a header `file,group[,other columns]`');
  const header = parseCsvLine(lines[0]!.line).map((h) => h.toLowerCase());
  for (const needed of ['file', 'group']) {
    if (!header.includes(needed))
      throw new Error(`labels.csv line 1: no \`${needed}\` column (header: ${header.join(',')})`);
  }
  if (new Set(header).size !== header.length) throw new Error('labels.csv line 1: a column name appears twice');
  const columns = ['group', ...header.filter((h) => h !== 'file' && h !== 'group')];
  const seen = new Set<string>();
  const rows = lines.slice(1).map(({ line, n }) => {
    let fields: string[];
    try {
      fields = parseCsvLine(line);
    } catch (err) {
      throw new Error(`labels.csv line ${n}: ${(err as Error).message}`);
    }
    if (fields.length !== header.length)
      throw new Error(`labels.csv line ${n}: ${fields.length} fields, the header has ${header.length}`);
    const row = Object.fromEntries(header.map((h, i) => [h, fields[i]!]));
    if (!row.file || !row.group) throw new Error(`labels.csv line ${n}: file and group must not be empty`);
    if (seen.has(row.file)) throw new Error(`labels.csv line ${n}: ${row.file} is listed twice`);
    seen.add(row.file);
    return row;
  });
  // Numeric: every given value a whole number, and at least one value.
  const numeric = new Set(
    columns.filter((c) => {
      const values = rows.map((r) => r[c]!).filter((v) => !missing(v));
      return values.length > 0 && values.every((v) => /^\d+$/.test(v));
    }),
  );
  const photos = rows.map((row) => ({
    file: row.file!,
    labels: Object.fromEntries(
      columns.map((c) => {
        const v = row[c]!;
        return [c, missing(v) ? 'unknown' : numeric.has(c) ? band(Number(v)) : v];
      }),
    ),
  }));
  return { columns, photos };
}
