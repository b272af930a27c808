/**
 * An error's message, duck-typed: errors from another realm (a native addon's, a test sandbox's) fail
 * `instanceof Error`.
 */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}
