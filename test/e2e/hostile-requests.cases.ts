/**
 * The hostile-request corpus: each case is the exact bytes a client sends and the exact answer it
 * must get. hostile-requests.test.ts sends them, in order, to one local server over TCP, and checks
 * after each that the server still answers and still stores a webhook.
 *
 * Paths and header values may hold `{token}` (the corpus integration's), `{other}` (another
 * integration's), `{revoked}` (a revoked one's) and `{unknown}` (well-formed, never issued).
 */
import type { RawExchange } from '../support/raw-http';

/** The server the corpus runs against: its limits appear in the expected messages. */
export const CORPUS_SERVER = { maxBodyBytes: 2 * 1024 * 1024, requestTimeoutMs: 1_500 } as const;

export interface CorpusTokens {
  readonly token: string;
  readonly other: string;
  readonly revoked: string;
  readonly unknown: string;
}

export interface Expected {
  readonly status: number;
  /** The whole JSON body. */
  readonly body: Record<string, unknown>;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HostileCase {
  readonly name: string;
  readonly request: (tokens: CorpusTokens) => RawExchange;
  readonly expect: Expected;
}

interface RequestParts {
  readonly method?: string;
  readonly path?: string;
  /** Content-Type: application/json unless given (null: none sent). */
  readonly headers?: Readonly<Record<string, string | null>>;
  readonly body?: string | Buffer;
  /** Send no Content-Length (for chunked bodies, or none at all). */
  readonly noLength?: boolean;
}

const TOKEN = '/v1/hooks/{token}';

/** One HTTP/1.1 request with `connection: close`, placeholders filled in. */
function request(parts: RequestParts): (tokens: CorpusTokens) => RawExchange {
  return (tokens) => ({ parts: [requestBytes(parts, tokens)] });
}

function requestBytes(parts: RequestParts, tokens: CorpusTokens): Buffer {
  const body = Buffer.isBuffer(parts.body) ? parts.body : Buffer.from(parts.body ?? '', 'utf8');
  const headers: Record<string, string | null> = { host: 'localhost', 'content-type': 'application/json', connection: 'close', ...parts.headers };
  if (!parts.noLength) headers['content-length'] = String(body.length);
  const lines = Object.entries(headers)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => `${name}: ${fill(value, tokens)}\r\n`);
  const head = `${parts.method ?? 'POST'} ${fill(parts.path ?? TOKEN, tokens)} HTTP/1.1\r\n${lines.join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function fill(text: string, tokens: CorpusTokens): string {
  return text.replace(/\{(token|other|revoked|unknown)\}/g, (_, name: keyof CorpusTokens) => tokens[name]);
}

/** Bytes sent as they are (placeholders filled in), for what no well-behaved client would send. */
function raw(...parts: (string | Buffer | { pauseMs: number })[]): (tokens: CorpusTokens) => RawExchange {
  return (tokens) => ({
    parts: parts.map((part) => (typeof part === 'string' ? Buffer.from(fill(part, tokens), 'latin1') : part)),
  });
}

const json = (body: string | Buffer, headers: Record<string, string | null> = {}) => request({ body, headers });
const ndjson = (body: string) => request({ body, headers: { 'content-type': 'application/x-ndjson' } });

const stored = (records: number, rejected = 0): Expected => ({ status: 200, body: { status: 'OK', records, rejected } });
const refused = (status: number, message: string, headers?: Record<string, string>): Expected => ({ status, body: { status: 'ERROR', message }, headers });

const NO_TOKEN = 'No webhook token: POST to /v1/hooks/{token}, or send "Authorization: Bearer <token>" or Basic auth with the token as password.';
const BAD_TOKEN = 'Webhook token is not valid: a token starts with "hlk_" followed by 43 characters.';
const UNKNOWN_TOKEN = 'Webhook token is unknown or revoked.';
const EMPTY = 'Request body is empty; send a JSON object, a JSON array of objects, or NDJSON.';
const TOO_DEEP = 'JSON in the body is nested more than 100 levels deep; the most is 100.';
const TOO_MANY = 'Request body holds more than 100,000 records; send fewer events per request.';
const TOO_LARGE = 'Request body is larger than the 2 MiB limit; send fewer events per request.';
const NOT_JSON_TYPE = (type: string) =>
  `Content type "${type}" is not supported; send JSON with "Content-Type: application/json" or newline-delimited JSON with "Content-Type: application/x-ndjson".`;
const NOT_POST = (method: string) => refused(405, `Method ${method} is not allowed; webhooks are sent with POST.`, { allow: 'POST' });
const TIMED_OUT = 'The request did not arrive in time: headers are read for 1.5 s, a whole request for 1.5 s; send it again.';
const BAD_LENGTH = 'The body length is not valid: Content-Length must be one decimal number, sent once and never with Transfer-Encoding.';
const NOT_HTTP = (code: string) => `The request is not valid HTTP/1.1 (${code}).`;
const URL_TOO_LONG = 'Request URL is longer than the 8 KiB limit; webhooks are POSTed to /v1/hooks/{token}.';
const HEADERS_TOO_LARGE = 'Request line and headers are larger than the 32 KiB limit.';
const NOT_FOUND = 'Not found: webhooks are POSTed to /v1/hooks/{token}.';

const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const manyKeys = (count: number) => `{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')}}`;
/** Over ELEMENTWISE_BYTES, so the body is decoded element by element. */
const LARGE_PAD = `{"pad":"${'x'.repeat(300 * 1024)}"}`;

export const HOSTILE_CASES: readonly HostileCase[] = [
  // Tokens: missing, short, malformed, revoked, unknown, another integration's, in the query string.
  { name: 'no token on /v1/hooks', request: request({ path: '/v1/hooks', body: '{"a":1}' }), expect: refused(401, NO_TOKEN) },
  { name: 'token in the query string only', request: request({ path: '/v1/hooks?token={token}', body: '{"a":1}' }), expect: refused(401, NO_TOKEN) },
  { name: 'token in the query string of the token route', request: request({ path: '/v1/hooks/hlk_short?token={token}', body: '{"a":1}' }), expect: refused(401, BAD_TOKEN) },
  { name: 'short token', request: request({ path: '/v1/hooks/hlk_abc', body: '{"a":1}' }), expect: refused(401, BAD_TOKEN) },
  { name: 'token without its prefix', request: request({ path: `/v1/hooks/${'A'.repeat(47)}`, body: '{"a":1}' }), expect: refused(401, BAD_TOKEN) },
  { name: 'token with characters outside base64url', request: request({ path: `/v1/hooks/hlk_${'!'.repeat(43)}`, body: '{"a":1}' }), expect: refused(401, BAD_TOKEN) },
  { name: 'token one character too long', request: request({ path: '/v1/hooks/{token}x', body: '{"a":1}' }), expect: refused(401, BAD_TOKEN) },
  { name: 'percent-encoded junk as token', request: request({ path: '/v1/hooks/%E0%A4%A', body: '{"a":1}' }), expect: refused(401, BAD_TOKEN) },
  { name: 'well-formed token never issued', request: request({ path: '/v1/hooks/{unknown}', body: '{"a":1}' }), expect: refused(401, UNKNOWN_TOKEN) },
  { name: 'revoked token', request: request({ path: '/v1/hooks/{revoked}', body: '{"a":1}' }), expect: refused(401, UNKNOWN_TOKEN) },
  { name: 'revoked token as Bearer', request: request({ path: '/v1/hooks', headers: { authorization: 'Bearer {revoked}' }, body: '{"a":1}' }), expect: refused(401, UNKNOWN_TOKEN) },
  { name: 'malformed Bearer token', request: request({ path: '/v1/hooks', headers: { authorization: 'Bearer hlk_nope' }, body: '{"a":1}' }), expect: refused(401, BAD_TOKEN) },
  { name: 'Authorization scheme that carries no token', request: request({ path: '/v1/hooks', headers: { authorization: 'Digest username="x"' }, body: '{"a":1}' }), expect: refused(401, NO_TOKEN) },
  { name: 'empty Authorization header', request: request({ path: '/v1/hooks', headers: { authorization: '' }, body: '{"a":1}' }), expect: refused(401, NO_TOKEN) },
  { name: 'Basic auth with a wrong password', request: request({ path: '/v1/hooks', headers: { authorization: `Basic ${Buffer.from('user:guess').toString('base64')}` }, body: '{"a":1}' }), expect: refused(401, BAD_TOKEN) },
  { name: "another integration's token in the path wins over this one's in the header", request: request({ path: '/v1/hooks/{other}', headers: { authorization: 'Bearer {token}' }, body: '{"a":1}' }), expect: stored(1) },
  { name: 'token checked before the body: a bad token with a malformed body', request: request({ path: '/v1/hooks/{unknown}', body: '{"a":' }), expect: refused(401, UNKNOWN_TOKEN) },

  // Routes and methods.
  { name: 'GET on the webhook', request: request({ method: 'GET' }), expect: NOT_POST('GET') },
  { name: 'PUT with a body', request: request({ method: 'PUT', body: '{"a":1}' }), expect: NOT_POST('PUT') },
  { name: 'DELETE', request: request({ method: 'DELETE' }), expect: NOT_POST('DELETE') },
  { name: 'OPTIONS', request: request({ method: 'OPTIONS' }), expect: NOT_POST('OPTIONS') },
  { name: 'PATCH without a token', request: request({ method: 'PATCH', path: '/v1/hooks', body: '{}' }), expect: NOT_POST('PATCH') },
  { name: 'CONNECT to the webhook', request: raw(`CONNECT ${TOKEN} HTTP/1.1\r\nhost: localhost\r\n\r\n`), expect: NOT_POST('CONNECT') },
  { name: 'CONNECT to a host, as to a proxy', request: raw('CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n'), expect: refused(404, NOT_FOUND) },
  { name: 'WebSocket upgrade', request: json('{"a":1}', { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' }), expect: stored(1) },
  { name: 'Expect other than 100-continue', request: json('{"a":1}', { expect: 'something-else' }), expect: refused(417, 'Only "Expect: 100-continue" is supported; send the request without any other Expect header.') },
  { name: 'a path below the token', request: request({ path: '/v1/hooks/{token}/extra', body: '{"a":1}' }), expect: refused(404, NOT_FOUND) },
  { name: 'path that climbs out with dot segments', request: request({ path: '/v1/hooks/../../etc/passwd', body: '{"a":1}' }), expect: refused(404, NOT_FOUND) },
  { name: 'upper-case route', request: request({ path: '/V1/HOOKS/{token}', body: '{"a":1}' }), expect: refused(404, NOT_FOUND) },
  { name: 'absolute-form request target', request: request({ path: 'http://localhost/v1/hooks/{token}', body: '{"a":1}' }), expect: stored(1) },

  // Content types.
  { name: 'text/plain', request: json('{"a":1}', { 'content-type': 'text/plain' }), expect: refused(415, NOT_JSON_TYPE('text/plain')) },
  { name: 'form-encoded', request: json('a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' }), expect: refused(415, NOT_JSON_TYPE('application/x-www-form-urlencoded')) },
  { name: 'multipart', request: json('--x\r\n\r\n{}\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }), expect: refused(415, NOT_JSON_TYPE('multipart/form-data')) },
  { name: 'XML', request: json('<a>1</a>', { 'content-type': 'application/xml' }), expect: refused(415, NOT_JSON_TYPE('application/xml')) },
  { name: 'JSON in Latin-1', request: json('{"a":1}', { 'content-type': 'application/json; charset=iso-8859-1' }), expect: refused(415, 'Charset "iso-8859-1" is not supported; send the body as UTF-8 ("Content-Type: application/json; charset=utf-8").') },
  { name: 'no content type: JSON is sniffed', request: json('{"a":1}', { 'content-type': null }), expect: stored(1) },
  { name: 'a +json vendor type', request: json('{"a":1}', { 'content-type': 'application/vnd.api+json' }), expect: stored(1) },

  // Empty, malformed and truncated bodies.
  { name: 'empty body', request: json(''), expect: refused(400, EMPTY) },
  { name: 'body of blank lines', request: json(' \r\n\t\n '), expect: refused(400, EMPTY) },
  { name: 'no body and no length', request: request({ noLength: true }), expect: refused(400, EMPTY) },
  { name: 'truncated object', request: json('{"a":1'), expect: refused(400, 'Malformed JSON at line 1, column 7: a closing "}" was expected.') },
  { name: 'truncated string', request: json('{"a":"b'), expect: refused(400, 'Malformed JSON at line 1, column 6: a string is not closed.') },
  { name: 'truncated array', request: json('[{"a":1},'), expect: refused(400, 'Malformed JSON at line 1, column 10: a value was expected.') },
  { name: 'trailing comma', request: json('{"a":1,}'), expect: refused(400, 'Malformed JSON at line 1, column 8: a property name was expected.') },
  { name: 'single quotes', request: json("{'a':1}"), expect: refused(400, 'Malformed JSON at line 1, column 2: an invalid symbol.') },
  { name: 'unquoted key', request: json('{a:1}'), expect: refused(400, 'Malformed JSON at line 1, column 2: an invalid symbol.') },
  { name: 'comment', request: json('{"a":1 /* c */}'), expect: refused(400, 'Malformed JSON at line 1, column 8: comments are not allowed in JSON.') },
  { name: 'NaN', request: json('{"a":NaN}'), expect: refused(400, 'Malformed JSON at line 1, column 6: an invalid symbol.') },
  { name: 'Infinity', request: json('{"a":-Infinity}'), expect: refused(400, 'Malformed JSON at line 1, column 6: an invalid symbol.') },
  { name: 'raw control character in a string', request: json('{"a":"x\u0001y"}'), expect: refused(400, 'Malformed JSON at line 1, column 6: a control character inside a string.') },
  { name: 'invalid escape', request: json('{"a":"\\x41"}'), expect: refused(400, 'Malformed JSON at line 1, column 6: an invalid escape character.') },
  { name: 'two objects with nothing between', request: json('{"a":1}{"b":2}'), expect: refused(400, 'Malformed JSON at line 1, column 8: unexpected text after the JSON value.') },
  { name: 'garbage after the value', request: json('{"a":1} x'), expect: refused(400, 'Malformed JSON at line 1, column 9: an invalid symbol.') },
  { name: 'malformed second line of JSON', request: json('{"a":\n1,}'), expect: refused(400, 'Malformed JSON at line 2, column 3: a property name was expected.') },
  { name: 'large array with a malformed element', request: json(`[${LARGE_PAD},\n{"a":tru}]`), expect: refused(400, 'Malformed JSON at line 2, column 6: an invalid symbol.') },
  { name: 'large array cut short', request: json(`[${LARGE_PAD},{"a":1}`), expect: refused(400, `Malformed JSON at line 1, column ${LARGE_PAD.length + 10}: a closing "]" was expected.`) },

  // Encodings.
  { name: 'invalid UTF-8 byte', request: json(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])), expect: refused(400, 'Request body is not valid UTF-8: invalid byte at offset 6; send UTF-8 JSON.') },
  { name: 'overlong UTF-8 encoding of "/"', request: json(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])), expect: refused(400, 'Request body is not valid UTF-8: invalid byte at offset 6; send UTF-8 JSON.') },
  { name: 'UTF-8 encoded surrogate', request: json(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')])), expect: refused(400, 'Request body is not valid UTF-8: invalid byte at offset 6; send UTF-8 JSON.') },
  { name: 'UTF-8 cut inside a character', request: json(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xe2, 0x82])])), expect: refused(400, 'Request body is not valid UTF-8: invalid byte at offset 6; send UTF-8 JSON.') },
  { name: 'UTF-16 with its byte order mark', request: json(Buffer.from('\ufeff{"a":1}', 'utf16le')), expect: refused(400, 'Request body is not valid UTF-8: invalid byte at offset 0; send UTF-8 JSON.') },
  { name: 'UTF-8 byte order mark', request: json(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')])), expect: stored(1) },
  { name: 'two byte order marks', request: json(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')])), expect: refused(400, 'Malformed JSON at line 1, column 1: an invalid symbol.') },
  { name: 'escaped lone surrogate: the row is rejected, not the request', request: json('{"a":"\\ud800"}'), expect: stored(0, 1) },
  { name: 'NUL escaped in a string', request: json('{"a":"\\u0000"}'), expect: stored(1) },

  // Numbers.
  { name: 'number past double range', request: json('{"n":1e400}'), expect: stored(1) },
  { name: 'integer past 64 bits', request: json('{"n":123456789012345678901234567890}'), expect: stored(1) },
  { name: 'number too small for a double', request: json('{"n":1e-400}'), expect: stored(1) },
  { name: 'negative zero', request: json('{"n":-0}'), expect: stored(1) },
  { name: 'a number of 100,000 digits', request: json(`{"n":${'9'.repeat(100_000)}}`), expect: stored(1) },
  { name: 'leading zero', request: json('{"n":007}'), expect: refused(400, 'Malformed JSON at line 1, column 7: a comma was expected.') },

  // Nesting.
  { name: 'nested 100 levels: allowed', request: json(`${'{"a":'.repeat(99)}{}${'}'.repeat(99)}`), expect: stored(1) },
  { name: 'nested 101 levels', request: json(deep(101)), expect: refused(400, TOO_DEEP) },
  { name: 'nested 100,000 levels', request: json(deep(100_000)), expect: refused(400, TOO_DEEP) },
  { name: 'nested 100,000 levels, never closed', request: json('['.repeat(100_000)), expect: refused(400, TOO_DEEP) },
  { name: 'nested 100,000 objects with a syntax error inside', request: json(`${'{"a":'.repeat(100_000)}x`), expect: refused(400, TOO_DEEP) },
  { name: 'deep element of a large array', request: json(`[${LARGE_PAD},${deep(5_000)}]`), expect: refused(400, TOO_DEEP) },
  { name: 'deep line of NDJSON', request: ndjson(`{"a":1}\n${deep(5_000)}\n`), expect: refused(400, 'JSON on line 2 is nested more than 100 levels deep; the most is 100.') },

  // Keys.
  { name: '10,000 keys: past the column limit, rejected as a row', request: json(manyKeys(10_000)), expect: stored(0, 1) },
  { name: 'key of 100,000 characters', request: json(`{"${'k'.repeat(100_000)}":1}`), expect: stored(0, 1) },
  { name: 'key with nothing to make a column name of', request: json('{"!!!":1}'), expect: stored(0, 1) },
  { name: 'keys that become the same column', request: json('{"Name":1,"name":2}'), expect: stored(0, 1) },
  { name: 'duplicate keys: the last one wins', request: json('{"dup":1,"dup":2}'), expect: stored(1) },
  { name: '__proto__ key', request: json('{"__proto__":{"polluted":true},"x":1}'), expect: stored(1) },
  { name: 'constructor and prototype keys', request: json('{"constructor":{"prototype":{"polluted":true}}}'), expect: stored(1) },
  { name: "key reserved for Hooklake's columns", request: json('{"_sdc_sequence":1}'), expect: stored(0, 1) },
  { name: 'empty key', request: json('{"":1}'), expect: stored(0, 1) },

  // Shapes.
  { name: 'JSON null', request: json('null'), expect: stored(0, 1) },
  { name: 'a bare number', request: json('42'), expect: stored(0, 1) },
  { name: 'a bare string', request: json('"event"'), expect: stored(0, 1) },
  { name: 'array of scalars', request: json('[1,"a",true,null]'), expect: stored(0, 4) },
  { name: 'mixed array', request: json('[{"a":1},2,"x",null,[{"a":1}],{"b":2}]'), expect: stored(2, 4) },
  { name: 'empty array', request: json('[]'), expect: stored(0) },
  { name: 'array of empty objects', request: json('[{},{}]'), expect: stored(2) },
  { name: 'NDJSON with blank lines and CRLF', request: ndjson('{"a":1}\r\n\r\n  \n{"a":2}\r\n'), expect: stored(2) },
  { name: 'NDJSON with a malformed line', request: ndjson('{"a":1}\n{"a":}\n'), expect: refused(400, 'Malformed NDJSON on line 2, column 6: a value was expected.') },
  { name: 'NDJSON of scalars', request: ndjson('1\n"x"\n'), expect: stored(0, 2) },

  // Sizes.
  { name: 'declared length over the limit: refused before the body is sent', request: raw(`POST ${TOKEN} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${3 * 1024 * 1024}\r\n\r\n`), expect: refused(413, TOO_LARGE) },
  { name: 'over the limit with Expect: 100-continue', request: raw(`POST ${TOKEN} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: ${3 * 1024 * 1024}\r\n\r\n`), expect: refused(413, TOO_LARGE) },
  { name: 'chunked body that grows past the limit', request: (tokens) => ({ parts: [...raw(`POST ${TOKEN} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`)(tokens).parts, ...Array.from({ length: 40 }, () => Buffer.from(`10000\r\n${'x'.repeat(0x10000)}\r\n`))] }), expect: refused(413, TOO_LARGE) },
  { name: 'record over the 1000 KiB record limit: rejected as a row', request: json(`{"big":"${'x'.repeat(1_100_000)}"}`), expect: stored(0, 1) },
  { name: '100,001 scalars: more records than a request may hold', request: json(`[${'1,'.repeat(100_000)}1]`), expect: refused(413, TOO_MANY) },
  { name: '100,001 empty objects in a large array', request: json(`[${'{},'.repeat(100_000)}{}]`), expect: refused(413, TOO_MANY) },
  { name: '100,001 NDJSON lines', request: ndjson('{}\n'.repeat(100_001)), expect: refused(413, TOO_MANY) },
  { name: 'a 10,000-element array', request: json(`[${Array.from({ length: 10_000 }, (_, i) => `{"i":${i}}`).join(',')}]`), expect: stored(10_000) },

  // Slow clients.
  { name: 'body slower than the request timeout', request: raw(`POST ${TOKEN} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a":`, { pauseMs: 4_000 }), expect: refused(408, TIMED_OUT) },
  { name: 'headers slower than the headers timeout', request: raw(`POST ${TOKEN} HTTP/1.1\r\nhost: localhost\r\n`, { pauseMs: 4_000 }), expect: refused(408, TIMED_OUT) },

  // What node:http refuses before any handler runs.
  { name: 'Content-Length that is not a number', request: raw(`POST ${TOKEN} HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n{}`), expect: refused(400, BAD_LENGTH) },
  { name: 'negative Content-Length', request: raw(`POST ${TOKEN} HTTP/1.1\r\nhost: x\r\ncontent-length: -1\r\n\r\n{}`), expect: refused(400, BAD_LENGTH) },
  { name: 'two different Content-Lengths', request: raw(`POST ${TOKEN} HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}`), expect: refused(400, BAD_LENGTH) },
  { name: 'Content-Length with Transfer-Encoding', request: raw(`POST ${TOKEN} HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`), expect: refused(400, BAD_LENGTH) },
  { name: 'chunk size that is not hex', request: raw(`POST ${TOKEN} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`), expect: refused(400, 'The chunked body is malformed (Transfer-Encoding: chunked).') },
  { name: 'request line that is not HTTP', request: raw('HELLO\r\n\r\n'), expect: refused(400, NOT_HTTP('HPE_INVALID_METHOD')) },
  { name: 'method with symbols in it', request: raw(`P@ST ${TOKEN} HTTP/1.1\r\n\r\n`), expect: refused(400, NOT_HTTP('HPE_INVALID_METHOD')) },
  { name: 'unknown HTTP version', request: raw(`POST ${TOKEN} HTTP/9.9\r\n\r\n`), expect: refused(400, NOT_HTTP('HPE_INVALID_VERSION')) },
  { name: 'header name with a space', request: raw(`POST ${TOKEN} HTTP/1.1\r\nbad header: x\r\n\r\n`), expect: refused(400, NOT_HTTP('HPE_INVALID_HEADER_TOKEN')) },
  { name: 'NUL byte in the URL', request: raw(`POST /v1/hooks/\u0000 HTTP/1.1\r\n\r\n`), expect: refused(400, NOT_HTTP('HPE_INVALID_URL')) },
  { name: 'TLS handshake sent to the plain-HTTP port', request: raw(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])), expect: refused(400, NOT_HTTP('HPE_INVALID_METHOD')) },
  { name: 'URL of 10 KiB', request: request({ path: `${TOKEN}?pad=${'a'.repeat(10 * 1024)}`, body: '{"a":1}' }), expect: refused(414, URL_TOO_LONG) },
  { name: 'URL of 100 KiB', request: request({ path: `${TOKEN}?pad=${'a'.repeat(100 * 1024)}`, body: '{"a":1}' }), expect: refused(414, URL_TOO_LONG) },
  { name: 'one header of 40 KiB', request: json('{"a":1}', { 'x-pad': 'a'.repeat(40 * 1024) }), expect: refused(431, HEADERS_TOO_LARGE) },
  { name: '5,000 headers', request: raw(`POST ${TOKEN} HTTP/1.1\r\n${'x-h: value\r\n'.repeat(5_000)}\r\n`), expect: refused(431, HEADERS_TOO_LARGE) },
  { name: 'no Host header: served', request: raw(`POST ${TOKEN} HTTP/1.1\r\ncontent-type: application/json\r\ncontent-length: 7\r\nconnection: close\r\n\r\n{"a":1}`), expect: stored(1) },
];
