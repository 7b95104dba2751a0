/** One column: its heading and how to read the cell from a row. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** Formats a cell the way operators read it: "-" for nothing, lists comma-separated. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined || value === "") return "-";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.length ? value.map(formatCell).join(", ") : "-";
  if (typeof value === "object") return JSON.stringify(value);
  // Control characters (from a certificate subject, say) must not move the terminal cursor.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  return String(value).replace(/[\u0000-\u001f\u007f]/g, "?");
}

/**
 * Renders rows as a plain-text table: a heading line, then one line per row, columns padded
 * to their widest cell and separated by two spaces. No trailing spaces; "(none)" when empty.
 */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  if (rows.length === 0) return "(none)";
  const cells = rows.map((row) => columns.map((c) => formatCell(c.value(row))));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((line) => line[i]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n");
}

/** Renders an object's fields as "key: value" lines, keys aligned. */
export function renderFields(fields: readonly [string, unknown][]): string {
  const width = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${formatCell(v)}`).join("\n");
}
