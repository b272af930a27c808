/**
 * How deep text that may not be valid JSON nests its arrays and objects, counted without parsing:
 * the error path uses it before anything that recurses (the parser that locates a syntax error
 * overflows the stack at a few thousand levels). Brackets inside strings do not count; a string
 * also ends at a line break, as an error-tolerant JSON scanner ends it.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22 || c === 0x0a || c === 0x0d) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth -= 1;
    }
  }
  return false;
}
