import { parse as parseLossless } from 'lossless-json';
import { arrayElementSpans } from './array-elements';
import { bodyFormatOf, type BodyFormat } from './content-type';
import { MalformedBodyError, PayloadTooLargeError, TooManyRecordsError } from './errors';
import { ExactNumber, mayHoldInexactNumber } from './exact-number';
import { nestsDeeperThan } from './json-depth';
import { locateJsonError } from './json-location';
import { firstInvalidUtf8Offset } from './utf8';

/** One element of a request body, before it is checked and stamped. */
export interface DecodedRecord {
  readonly value: unknown;
  /** The source line, for NDJSON; array elements are re-serialised when their text is needed. */
  readonly text?: string;
}

export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
/**
 * Most records (array elements, NDJSON lines) in one body. Each becomes a row held until stored: a
 * 20 MiB body of 10 million scalars once took the server past 4 GB and down.
 */
export const MAX_BODY_RECORDS = 100_000;
/** Deepest nesting of arrays and objects accepted in a body (the body itself is level 1). */
export const MAX_BODY_DEPTH = 100;
/**
 * A JSON array larger than this is parsed one element at a time, as the records are reached, and so
 * is NDJSON line by line: memory then holds one record's objects at once rather than the whole body's
 * (several times its size). Smaller arrays take one JSON.parse, which costs less CPU.
 */
export const ELEMENTWISE_BYTES = 256 * 1024;

/**
 * A body's records, in order. Iterating decodes records that were left for later (a large array's
 * elements, NDJSON lines), so it may throw the MalformedBodyError of one of them; it can be iterated
 * again (each time decodes afresh).
 */
export type DecodedBody = Iterable<DecodedRecord> & { readonly length: number };

/**
 * Splits a request body into records: a JSON object is one, an array one per element, NDJSON one per
 * non-blank line. Throws 4xx errors for what cannot be parsed at all; what parses is never refused here.
 */
export function decodeBody(body: Buffer, contentType: string | undefined, maxBodyBytes: number): DecodedBody {
  const format = bodyFormatOf(contentType);
  if (body.length > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  const bytes = withoutBom(validUtf8(body));
  const large = bytes.length > ELEMENTWISE_BYTES ? decodeLarge(bytes, format) : undefined;
  if (large !== undefined) return withinRecordLimit(large);
  const text = bytes.toString('utf8');
  if (text.trim() === '') {
    throw new MalformedBodyError('Request body is empty; send a JSON object, a JSON array of objects, or NDJSON.');
  }
  return withinRecordLimit(format === 'ndjson' ? decodeNdjson(text) : decodeJson(text, format));
}

function withinRecordLimit(records: DecodedBody): DecodedBody {
  if (records.length > MAX_BODY_RECORDS) throw new TooManyRecordsError(MAX_BODY_RECORDS);
  return records;
}

/**
 * JSON.parse (which also finds syntax errors), the depth check, then the exact parser when a number in
 * the text could lose digits to a double. Throws SyntaxError for malformed text.
 */
function parseJson(text: string, where: string, depth = 1): unknown {
  const value: unknown = JSON.parse(text);
  checkDepth(value, where, depth);
  if (!mayHoldInexactNumber(text)) return value;
  // A repeated key keeps its last value, as JSON.parse does, so both parsers read a body alike.
  return parseLossless(text, undefined, { parseNumber: (number) => new ExactNumber(number), onDuplicateKey: ({ newValue }) => newValue });
}

/**
 * Refuses JSON nested deeper than MAX_BODY_DEPTH, before anything recurses into it (the exact parser,
 * JSON.stringify of a nested value). Walks only the arrays and objects of the parsed value, iteratively.
 */
function checkDepth(value: unknown, where: string, depth: number): void {
  // Two parallel stacks: no object per container walked.
  const containers: unknown[] = [value];
  const depths: number[] = [depth];
  while (containers.length > 0) {
    const container = containers.pop();
    const at = depths.pop() as number;
    if (typeof container !== 'object' || container === null) continue;
    if (at > MAX_BODY_DEPTH) throw tooDeep(where);
    if (Array.isArray(container)) {
      for (const item of container) {
        if (typeof item === 'object' && item !== null) {
          containers.push(item);
          depths.push(at + 1);
        }
      }
    } else {
      const object = container as Record<string, unknown>;
      for (const key in object) {
        const item = object[key];
        if (typeof item === 'object' && item !== null) {
          containers.push(item);
          depths.push(at + 1);
        }
      }
    }
  }
}

function tooDeep(where: string): MalformedBodyError {
  return new MalformedBodyError(`JSON ${where} is nested more than ${MAX_BODY_DEPTH} levels deep; the most is ${MAX_BODY_DEPTH}.`);
}

/**
 * The error for text JSON.parse refused: too deep, when it is (whether or not it is valid there),
 * else what is wrong and where.
 */
function malformedJson(text: string, where: string): MalformedBodyError {
  if (nestsDeeperThan(text, MAX_BODY_DEPTH)) return tooDeep(where);
  const at = locateJsonError(text);
  return new MalformedBodyError(`Malformed JSON at line ${at.line}, column ${at.column}: ${at.problem}.`);
}

function validUtf8(body: Buffer): Buffer {
  const invalidAt = firstInvalidUtf8Offset(body);
  if (invalidAt !== -1) {
    throw new MalformedBodyError(`Request body is not valid UTF-8: invalid byte at offset ${invalidAt}; send UTF-8 JSON.`);
  }
  return body;
}

/** The bytes after a UTF-8 byte order mark, which some senders put first. */
function withoutBom(body: Buffer): Buffer {
  return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
}

function decodeJson(text: string, format: BodyFormat): DecodedBody {
  let value: unknown;
  try {
    value = parseJson(text, 'in the body');
  } catch (error) {
    if (error instanceof MalformedBodyError) throw error;
    // Some senders label NDJSON as JSON (or send no type): accept it when the first line stands alone.
    if (format !== 'ndjson' && firstLineIsJson(text)) return decodeNdjson(text);
    throw malformedJson(text, 'in the body');
  }
  return Array.isArray(value) ? value.map((element) => ({ value: element })) : [{ value }];
}

/**
 * A large array or NDJSON body, decoded from its bytes one record at a time: the body is never
 * copied whole into a string. Undefined when it is neither (one object, or not valid JSON): the
 * caller then decodes it whole, which also reports what is wrong.
 */
function decodeLarge(bytes: Buffer, format: BodyFormat): DecodedBody | undefined {
  if (format === 'ndjson') {
    const lines = nonBlankLineSpans(bytes);
    // All blank: the whole-body path refuses it as empty.
    return lines.length === 0 ? undefined : lazily(lines.length / 3, () => ndjsonLines(bytes, lines));
  }
  const spans = arrayElementSpans(bytes);
  return spans === undefined ? undefined : lazily(spans.length / 2, () => arrayElements(bytes, spans));
}

/** Each element of a large array, parsed when reached; an element that does not parse fails as the whole body would. */
function* arrayElements(bytes: Buffer, spans: readonly number[]): Generator<DecodedRecord> {
  for (let i = 0; i < spans.length; i += 2) {
    let value: unknown;
    try {
      // Elements sit one level below the body's array.
      value = parseJson(bytes.toString('utf8', spans[i], spans[i + 1]), 'in the body', 2);
    } catch (error) {
      if (error instanceof MalformedBodyError) throw error;
      throw malformedJson(bytes.toString('utf8'), 'in the body');
    }
    yield { value };
  }
}

function* ndjsonLines(bytes: Buffer, lines: readonly number[]): Generator<DecodedRecord> {
  for (let i = 0; i < lines.length; i += 3) {
    yield ndjsonRecord({ text: bytes.toString('utf8', lines[i], lines[i + 1]).replace(/\r$/, ''), number: lines[i + 2] });
  }
}

/** Start, end and line number of each line that is not blank (as String#trim sees blank), flat. */
function nonBlankLineSpans(bytes: Buffer): number[] {
  const spans: number[] = [];
  let start = 0;
  for (let number = 1; start <= bytes.length; number++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    if (!isBlankLine(bytes, start, end)) spans.push(start, end, number);
    if (newline === -1) break;
    start = newline + 1;
  }
  return spans;
}

function isBlankLine(bytes: Buffer, start: number, end: number): boolean {
  let nonAscii = false;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c >= 0x80) nonAscii = true;
    else if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0b && c !== 0x0c) return false;
  }
  // Only spaces, or Unicode ones (no-break space, line separator): decide as String#trim does.
  return !nonAscii || bytes.toString('utf8', start, end).trim() === '';
}

function lazily(length: number, records: () => Iterator<DecodedRecord>): DecodedBody {
  return { length, [Symbol.iterator]: records };
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
  return nonBlankLines(text).map(ndjsonRecord);
}

function ndjsonRecord({ text: line, number }: { text: string; number: number }): DecodedRecord {
  let value: unknown;
  try {
    value = parseJson(line, `on line ${number}`);
  } catch (error) {
    if (error instanceof MalformedBodyError) throw error;
    if (nestsDeeperThan(line, MAX_BODY_DEPTH)) throw tooDeep(`on line ${number}`);
    const where = locateJsonError(line);
    throw new MalformedBodyError(`Malformed NDJSON on line ${number}, column ${where.column}: ${where.problem}.`);
  }
  return { value, text: line };
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
