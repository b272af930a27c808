import { ConsoleAuth } from '../../console/auth';
import { cellText, html } from '../../console/html';
import { dataTable, MAX_CELL_CHARS } from '../../console/layout';
import { dailyChart } from '../../console/chart';

describe('console html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const hostile = `<script>alert("x")</script>' onmouseover='x' \``;
    const out = html`<p title="${hostile}">${hostile}</p>`.text;
    expect(out).not.toMatch(/<script|"x"|'x'|`/);
    expect(out).toBe(`<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &#96;</p>`);
  });

  it('keeps markup made by the tag, including in lists, and drops empty values', () => {
    expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>${undefined}${null}${false}`.text).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
  });

  it('shows cells as text: strings as they are, other values as JSON', () => {
    expect([cellText('a'), cellText(1), cellText({ a: [1] }), cellText(null)]).toEqual(['a', '1', '{"a":[1]}', '']);
  });
});

describe('console tables and chart', () => {
  it('shows NULL as a muted null, apart from an empty string', () => {
    const out = dataTable(['a', 'b'], [{ a: null, b: '' }], 'none').text;
    expect(out).toContain('<td><span class="null">null</span></td>');
    expect(out).toContain('<td><div class="cell" title=""></div></td>');
  });

  it('cuts a long value, so a page of large rows stays small', () => {
    const out = dataTable(['a'], [{ a: 'x'.repeat(MAX_CELL_CHARS + 500) }], 'none').text;
    expect(out).toContain(`${'x'.repeat(MAX_CELL_CHARS)}… (500 more characters)`);
    expect(out.length).toBeLessThan(3 * MAX_CELL_CHARS);
  });

  it('labels the chart: its series and its axis', () => {
    const out = dailyChart([{ day: '2026-11-24', events: 3, rejected: 1 }]).text;
    expect(out).toMatch(/<g class="legend">.*>events<.*>rejected</s);
    expect(out).toContain('rows per day (UTC), top: 4');
  });
});

describe('console auth', () => {
  let n = 0;
  const random = (size: number) => Buffer.alloc(size, ++n);
  const auth = new ConsoleAuth(random);

  it('accepts only its own key, and prints it in the login URL', () => {
    expect(auth.loginUrl('http://127.0.0.1:8080/')).toBe(`http://127.0.0.1:8080/console/login?key=${auth.key}`);
    expect(auth.isKey(auth.key)).toBe(true);
    for (const wrong of [undefined, null, '', auth.key.slice(1), `${auth.key}x`]) expect(auth.isKey(wrong)).toBe(false);
  });

  it('signs in with an HttpOnly, SameSite=Strict cookie found among others', () => {
    const cookie = auth.sessionCookie();
    expect(cookie).toMatch(/; HttpOnly; SameSite=Strict; Path=\/console$/);
    const pair = cookie.split(';')[0];
    expect(auth.hasSession(`other=1; ${pair}; more=2`)).toBe(true);
    expect(auth.hasSession(`${pair}x`)).toBe(false);
    expect(auth.hasSession(undefined)).toBe(false);
    // The key is not a session: the cookie value differs from it.
    expect(auth.hasSession(`${auth.cookieName}=${auth.key}`)).toBe(false);
  });

  it('checks the form token, and another run has other secrets', () => {
    expect(auth.isFormToken(auth.formToken)).toBe(true);
    const other = new ConsoleAuth(random);
    expect(other.isFormToken(auth.formToken)).toBe(false);
    expect(other.cookieName).not.toBe(auth.cookieName);
  });
});
