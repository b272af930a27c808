/**
 * Where each element of a top-level JSON array lies in its UTF-8 bytes, found without decoding or
 * parsing it, so a large array can be decoded and parsed one element at a time (memory for one
 * element, not a copy of the whole body as text plus all its objects). Only structure is followed:
 * strings are skipped whole, brackets counted; a multi-byte UTF-8 character never holds an ASCII
 * byte, so bytes are as good as characters here. Validity is left to JSON.parse of each element.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Start and end offsets (end exclusive) of each element, flat: `[s0, e0, s1, e1, ...]`; undefined
 * when the text is not one array followed only by whitespace (the caller then parses it whole, and
 * JSON.parse says what is wrong). Elements keep their surrounding whitespace; JSON.parse ignores it.
 */
export function arrayElementSpans(text: Uint8Array): number[] | undefined {
  let i = skipWhitespace(text, 0);
  if (text[i] !== OPEN_ARRAY) return undefined;
  const spans: number[] = [];
  let depth = 1;
  let start = i + 1;
  let sawValue = false;
  for (i += 1; i < text.length; i++) {
    const c = text[i];
    if (c === QUOTE) {
      i = closingQuote(text, i);
      if (i === -1) return undefined;
      sawValue = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth += 1;
      sawValue = true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth -= 1;
      if (depth === 0) {
        if (c !== CLOSE_ARRAY) return undefined;
        // `[]` has no element; `[1,]` has an empty one, which JSON.parse refuses.
        if (sawValue || spans.length > 0) spans.push(start, i);
        return skipWhitespace(text, i + 1) === text.length ? spans : undefined;
      }
    } else if (c === COMMA && depth === 1) {
      spans.push(start, i);
      start = i + 1;
      sawValue = false;
    } else if (!isWhitespace(c)) {
      sawValue = true;
    }
  }
  return undefined;
}

/** The index of the quote that closes the string opening at `open`, or -1. */
function closingQuote(text: Uint8Array, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf(QUOTE, at + 1);
    if (at === -1) return -1;
    // Escaped when preceded by an odd number of backslashes.
    let backslashes = 0;
    for (let j = at - 1; text[j] === BACKSLASH; j--) backslashes += 1;
    if (backslashes % 2 === 0) return at;
  }
}

function skipWhitespace(text: Uint8Array, from: number): number {
  let i = from;
  while (i < text.length && isWhitespace(text[i])) i += 1;
  return i;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
