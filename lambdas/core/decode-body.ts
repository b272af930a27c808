import { parse as parseLossless } from 'lossless-json';
import { bodyFormatOf, type BodyFormat } from './content-type';
import { MalformedBodyError, PayloadTooLargeError } from './errors';
import { ExactNumber, mayHoldInexactNumber } from './exact-number';
import { locateJsonError } from './json-location';
import { firstInvalidUtf8Offset } from './utf8';

/** One element of a request body, before it is checked and stamped. */
export interface DecodedRecord {
  readonly value: unknown;
  /** The source line, for NDJSON; array elements are re-serialised when their text is needed. */
  readonly text?: string;
}

export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
/** Deepest nesting of arrays and objects accepted in a body (the body itself is level 1). */
export const MAX_BODY_DEPTH = 100;

/**
 * Splits a request body into records: a JSON object is one, an array one per element, NDJSON one per
 * non-blank line. Throws 4xx errors for what cannot be parsed at all; what parses is never refused here.
 */
export function decodeBody(body: Buffer, contentType: string | undefined, maxBodyBytes: number): DecodedRecord[] {
  const format = bodyFormatOf(contentType);
  if (body.length > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  const text = utf8Text(body);
  if (text.trim() === '') {
    throw new MalformedBodyError('Request body is empty; send a JSON object, a JSON array of objects, or NDJSON.');
  }
  return format === 'ndjson' ? decodeNdjson(text) : decodeJson(text, format);
}

/**
 * JSON.parse (which also finds syntax errors), the depth check, then the exact parser when a number in
 * the text could lose digits to a double. Throws SyntaxError for malformed text.
 */
function parseJson(text: string, where: string): unknown {
  const value: unknown = JSON.parse(text);
  checkDepth(value, where);
  if (!mayHoldInexactNumber(text)) return value;
  // A repeated key keeps its last value, as JSON.parse does, so both parsers read a body alike.
  return parseLossless(text, undefined, { parseNumber: (number) => new ExactNumber(number), onDuplicateKey: ({ newValue }) => newValue });
}

/**
 * Refuses JSON nested deeper than MAX_BODY_DEPTH, before anything recurses into it (the exact parser,
 * JSON.stringify of a nested value). Walks only the arrays and objects of the parsed value, iteratively.
 */
function checkDepth(value: unknown, where: string): void {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: container, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof container !== 'object' || container === null) continue;
    if (depth > MAX_BODY_DEPTH) {
      throw new MalformedBodyError(`JSON ${where} is nested more than ${MAX_BODY_DEPTH} levels deep; the most is ${MAX_BODY_DEPTH}.`);
    }
    if (Array.isArray(container)) {
      for (const item of container) if (typeof item === 'object' && item !== null) stack.push({ value: item, depth: depth + 1 });
    } else {
      const object = container as Record<string, unknown>;
      for (const key in object) {
        const item = object[key];
        if (typeof item === 'object' && item !== null) stack.push({ value: item, depth: depth + 1 });
      }
    }
  }
}

function utf8Text(body: Buffer): string {
  const invalidAt = firstInvalidUtf8Offset(body);
  if (invalidAt !== -1) {
    throw new MalformedBodyError(`Request body is not valid UTF-8: invalid byte at offset ${invalidAt}; send UTF-8 JSON.`);
  }
  const text = body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function decodeJson(text: string, format: BodyFormat): DecodedRecord[] {
  let value: unknown;
  try {
    value = parseJson(text, 'in the body');
  } catch (error) {
    if (error instanceof MalformedBodyError) throw error;
    // Some senders label NDJSON as JSON (or send no type): accept it when the first line stands alone.
    if (format !== 'ndjson' && firstLineIsJson(text)) return decodeNdjson(text);
    const where = locateJsonError(text);
    throw new MalformedBodyError(`Malformed JSON at line ${where.line}, column ${where.column}: ${where.problem}.`);
  }
  return Array.isArray(value) ? value.map((element) => ({ value: element })) : [{ value }];
}

function firstLineIsJson(text: string): boolean {
  const lines = nonBlankLines(text);
  if (lines.length < 2) return false;
  try {
    JSON.parse(lines[0].text);
    return true;
  } catch {
    return false;
  }
}

function decodeNdjson(text: string): DecodedRecord[] {
  return nonBlankLines(text).map(({ text: line, number }) => {
    let value: unknown;
    try {
      value = parseJson(line, `on line ${number}`);
    } catch (error) {
      if (error instanceof MalformedBodyError) throw error;
      const where = locateJsonError(line);
      throw new MalformedBodyError(`Malformed NDJSON on line ${number}, column ${where.column}: ${where.problem}.`);
    }
    return { value, text: line };
  });
}

function nonBlankLines(text: string): { text: string; number: number }[] {
  const lines: { text: string; number: number }[] = [];
  let start = 0;
  let number = 1;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    const line = text.slice(start, stop).replace(/\r$/, '');
    if (line.trim() !== '') lines.push({ text: line, number });
    if (end === -1) break;
    start = end + 1;
    number += 1;
  }
  return lines;
}
