/** A key as a column name part (Stitch's rule): lower case, only `a-z`, `0-9` and `_`. */
export function columnNameOf(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9_]/g, '');
}
