/** The part of a schema error this module reads (zod's `ZodError`). */
export interface SchemaIssues {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

/**
 * Turns schema issues into one message that names each field
 * ("interfaces.0.port: Too big: expected number to be <=65535").
 */
export function formatZodError(error: SchemaIssues, prefix = ""): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
