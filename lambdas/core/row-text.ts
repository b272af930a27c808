/**
 * A row's JSON text with one more member (a sink's routing field) added at the end, without parsing
 * or serialising the row again. `member` is `"name":value`.
 */
export function withMember(rowText: string, member: string): string {
  return `${rowText.slice(0, -1)}${rowText.length > 2 ? ',' : ''}${member}}`;
}
