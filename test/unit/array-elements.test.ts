import fc from 'fast-check';
import { arrayElementSpans } from '../../lambdas/core/array-elements';

const spansOf = (text: string) => arrayElementSpans(Buffer.from(text, 'utf8'));
const elementsOf = (text: string): unknown[] | undefined => {
  const bytes = Buffer.from(text, 'utf8');
  const spans = arrayElementSpans(bytes);
  if (spans === undefined) return undefined;
  const elements: unknown[] = [];
  for (let i = 0; i < spans.length; i += 2) elements.push(JSON.parse(bytes.toString('utf8', spans[i], spans[i + 1])));
  return elements;
};

describe('arrayElementSpans', () => {
  it('finds every element of any JSON array, however it is spaced, as JSON.parse reads them', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ stringUnit: 'grapheme' })), fc.constantFrom(undefined, 0, 1, 2, '\t', ' \r\n '), (array, indent) => {
        const text = JSON.stringify(array, null, indent as string | number | undefined);
        expect(elementsOf(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('skips brackets, commas and escaped quotes inside strings', () => {
    expect(elementsOf('[ "a,]}", {"b":"\\"[,"}, "\\\\", ["x", {"y": [1,2]}] ]')).toEqual(['a,]}', { b: '"[,' }, '\\', ['x', { y: [1, 2] }]]);
    expect(elementsOf('["é\\"]", "日本", {"😀":"]"}]')).toEqual(['é"]', '日本', { '😀': ']' }]);
    expect(elementsOf('[]')).toEqual([]);
    expect(elementsOf('  [ ]  \n')).toEqual([]);
  });

  it('gives up on what is not one array, so the whole-body parse reports it', () => {
    for (const text of ['{"a":1}', '[1] [2]', '[1]\n[2]', '[1', '["unclosed]', '[1}', '"[1]"', '']) {
      expect(spansOf(text)).toBeUndefined();
    }
  });

  it('leaves malformed elements for JSON.parse to refuse', () => {
    const spans = spansOf('[1,,2]');
    expect(spans).toEqual([1, 2, 3, 3, 4, 5]);
    expect(() => JSON.parse('[1,,2]'.slice(3, 3))).toThrow(SyntaxError);
    expect(spansOf('[1,]')).toEqual([1, 2, 3, 3]);
  });
});
