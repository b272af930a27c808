import { UnsupportedMediaTypeError } from './errors';

/** How a body is to be split into records. `sniff` = no content type: JSON, falling back to NDJSON. */
export type BodyFormat = 'json' | 'ndjson' | 'sniff';

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonl',
  'application/jsonlines',
  'application/x-jsonlines',
  'application/json-lines',
]);

const JSON_TYPES = new Set(['application/json', 'text/json']);

/**
 * Reads the Content-Type header. JSON (`application/json`, `text/json`, any `+json` suffix) and NDJSON
 * types are accepted, in UTF-8 only; anything else is a 415 that says what to send instead.
 */
export function bodyFormatOf(contentType: string | undefined): BodyFormat {
  // What nearly every provider sends, without parsing it.
  if (contentType === 'application/json') return 'json';
  if (contentType === undefined || contentType.trim() === '') return 'sniff';
  const [mediaType, ...params] = contentType.split(';').map((part) => part.trim());
  const type = mediaType.toLowerCase();
  for (const param of params) {
    const [name, value = ''] = param.split('=').map((part) => part.trim());
    if (name.toLowerCase() === 'charset') {
      const charset = value.replace(/^"|"$/g, '').toLowerCase();
      if (charset !== 'utf-8' && charset !== 'utf8') {
        throw new UnsupportedMediaTypeError(
          `Charset "${value}" is not supported; send the body as UTF-8 ("Content-Type: application/json; charset=utf-8").`,
        );
      }
    }
  }
  if (JSON_TYPES.has(type) || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return 'json';
  if (NDJSON_TYPES.has(type)) return 'ndjson';
  throw new UnsupportedMediaTypeError(
    `Content type "${mediaType}" is not supported; send JSON with "Content-Type: application/json" ` +
      'or newline-delimited JSON with "Content-Type: application/x-ndjson".',
  );
}
