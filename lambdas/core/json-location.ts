import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** Human wording for jsonc-parser's error codes. */
const EXPECTATIONS: Record<string, string> = {
  InvalidSymbol: 'an invalid symbol',
  InvalidNumberFormat: 'an invalid number',
  PropertyNameExpected: 'a property name was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon was expected',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: 'a closing "}" was expected',
  CloseBracketExpected: 'a closing "]" was expected',
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is not finished',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape character',
  InvalidCharacter: 'a control character inside a string',
};

export interface JsonErrorLocation {
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}

/**
 * Says what is wrong with text that JSON.parse refused and where (1-based line and column).
 * Only called on the error path: V8's own messages do not always carry a position.
 */
export function locateJsonError(text: string): JsonErrorLocation {
  const errors: ParseError[] = [];
  try {
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    // The parser recurses; callers refuse deep text first, so this is only a backstop.
    return { line: 1, column: 1, problem: 'invalid JSON, nested too deeply to say where' };
  }
  const first = errors[0];
  const offset = first?.offset ?? 0;
  const problem = first ? (EXPECTATIONS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)) : 'invalid JSON';
  return { ...lineAndColumn(text, offset), problem };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
