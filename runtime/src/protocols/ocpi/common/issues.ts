// Parse results and the issues they report. Every issue names the field path in the input, in the notation
// `elements[0].price_components[1].step_size`, so that a message can point at the offending field.

/** One problem found in an OCPI object. */
export interface ParseIssue {
  /** The field path, e.g. "elements[0].price_components[1].step_size"; "" for the object itself. */
  path: string;
  /** What is wrong, e.g. "expected a positive integer". */
  message: string;
}

/** The outcome of parsing an OCPI object: the parsed value (with warnings) or the errors that prevent it. */
export type ParseResult<T> =
  | { ok: true; value: T; warnings: ParseIssue[] }
  | { ok: false; errors: ParseIssue[]; warnings: ParseIssue[] };

/** Formats a path of keys and indexes as `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** `path: message`, or just the message for the object itself. */
export function formatIssue(issue: ParseIssue): string {
  return issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`;
}

/** Prefixes every issue's path, e.g. with "tariffs[2]" or "data[0]". */
export function prefixIssues(prefix: string, issues: readonly ParseIssue[]): ParseIssue[] {
  if (prefix === "") return [...issues];
  return issues.map((i) => ({
    path: i.path === "" ? prefix : i.path.startsWith("[") ? `${prefix}${i.path}` : `${prefix}.${i.path}`,
    message: i.message,
  }));
}
