import { formatTable, formatVertical } from '../../cli/output';

describe('CLI table output', () => {
  it('shows control characters from events escaped, so they cannot drive the terminal', () => {
    const rows = [{ v: 'safe\u001b]0;pwned\u0007\u001b[31mred' }];
    for (const text of [formatTable(['v'], rows), formatVertical(['v'], rows)]) {
      expect(text).not.toMatch(/\u001b|\u0007/);
      expect(text).toContain('safe\\u001b]0;pwned\\u0007\\u001b[31mred');
    }
  });

  it('cuts long cells in the table and keeps them whole in the vertical layout', () => {
    const rows = [{ v: 'x'.repeat(100) }];
    expect(formatTable(['v'], rows)).toContain(`${'x'.repeat(79)}…`);
    expect(formatVertical(['v'], rows)).toContain('x'.repeat(100));
  });

  it('prints a result of many rows without overflowing the stack', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => ({ n: i }));
    expect(formatTable(['n'], rows).split('\n')).toHaveLength(200_002);
  });
});
