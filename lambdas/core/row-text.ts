/**
 * A row's JSON text with one more member (a sink's routing field) added at the end, without parsing
 * or serialising the row again. `member` is `"name":value`.
 */
export function withMember(rowText: string, member: string): string {
  return `${rowText.slice(0, -1)}${rowText.length > 2 ? ',' : ''}${member}}`;
}

/**
 * The row's JSON text without its last member, when that member is `"name":<value>` as
 * `withMember` added it (value as JSON.stringify writes it); undefined when it is not, so the
 * result is exactly the text before.
 */
export function withoutLastMember(rowText: string, name: string): string | undefined {
  const at = rowText.lastIndexOf(`${JSON.stringify(name)}:`);
  if (at < 1 || !rowText.endsWith('}')) return undefined;
  const value = rowText.slice(at + JSON.stringify(name).length + 1, -1);
  if (!isCanonicalJson(value)) return undefined;
  const before = rowText[at - 1] === ',' ? rowText.slice(0, at - 1) : rowText.slice(0, at);
  const original = `${before}}`;
  return withMember(original, rowText.slice(at, -1)) === rowText ? original : undefined;
}

/** One JSON value, written as JSON.stringify writes it (so nothing follows it). */
function isCanonicalJson(text: string): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}
