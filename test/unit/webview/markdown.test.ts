import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { createAnswerRenderer, findCitations, parseCitation, citationOf, type AnswerRenderer } from '../../../src/webview/markdown';

let dom: JSDOM;
let renderer: AnswerRenderer;

function renderHtml(markdown: string): string {
  const div = dom.window.document.createElement('div');
  div.append(renderer.render(markdown));
  return div.innerHTML;
}

before(() => {
  dom = new JSDOM('<!DOCTYPE html><body></body>');
  renderer = createAnswerRenderer(dom.window as unknown as Window);
});

describe('findCitations', () => {
  test('finds path:line, path:start-end and path#Lstart-Lend', () => {
    const found = findCitations('see src/a.ts:12, lib/b.py:3-9 and c.go#L4-L6.').map((m) => m.citation);
    assert.deepEqual(found, [
      { path: 'src/a.ts', startLine: 12, endLine: 12 },
      { path: 'lib/b.py', startLine: 3, endLine: 9 },
      { path: 'c.go', startLine: 4, endLine: 6 },
    ]);
  });

  test('ignores URLs with ports, ratios, reversed ranges and parent-folder escapes', () => {
    assert.deepEqual(findCitations('http://example.com:8080/x and 1.5:3 and a.ts:9-2 and ../etc/passwd.txt:1'), []);
  });

  test('parseCitation accepts only a whole citation', () => {
    assert.deepEqual(parseCitation('src/a.ts:12-14'), { path: 'src/a.ts', startLine: 12, endLine: 14 });
    assert.equal(parseCitation('x src/a.ts:12'), undefined);
    assert.equal(parseCitation('javascript:1'), undefined);
  });
});

describe('answer rendering', () => {
  test('renders markdown structure', () => {
    const html = renderHtml('# Title\n\n- **bold** and `code`\n\n```ts\nconst a = 1;\n```');
    assert.match(html, /<h1>Title<\/h1>/);
    assert.match(html, /<strong>bold<\/strong>/);
    assert.match(html, /<code>code<\/code>/);
    assert.match(html, /<pre><code[^>]*>const a = 1;\n<\/code><\/pre>/);
  });

  test('turns citations in text and inline code into citation links', () => {
    const div = dom.window.document.createElement('div');
    div.append(renderer.render('Retries are decided in src/retry.ts:10-20 and `lib/x.py:7`.'));
    const links = Array.from(div.querySelectorAll('a.cite'));
    assert.deepEqual(links.map((a) => citationOf(a)), [
      { path: 'src/retry.ts', startLine: 10, endLine: 20 },
      { path: 'lib/x.py', startLine: 7, endLine: 7 },
    ]);
    assert.equal(links[0]?.textContent, 'src/retry.ts:10-20');
    assert.equal(links[0]?.getAttribute('href'), '#');
  });

  test('a markdown link to a citation becomes a citation link', () => {
    const div = dom.window.document.createElement('div');
    div.append(renderer.render('[the retry policy](src/retry.ts:10)'));
    const a = div.querySelector('a.cite');
    assert.ok(a);
    assert.deepEqual(citationOf(a), { path: 'src/retry.ts', startLine: 10, endLine: 10 });
    assert.equal(a.textContent, 'the retry policy');
  });

  test('citations inside fenced code are left as text', () => {
    const html = renderHtml('```\nsrc/a.ts:3\n```');
    assert.doesNotMatch(html, /class="cite"/);
  });

  const payloads: [string, string][] = [
    ['script tag', '<script>window.pwned = 1</script>'],
    ['img onerror', '<img src=x onerror="window.pwned=1">'],
    ['markdown image', '![x](https://evil.example/track.png)'],
    ['javascript link', '[click](javascript:window.pwned=1)'],
    ['encoded javascript link', '[click](jav&#x61;script:alert(1))'],
    ['data link', '[click](data:text/html,<script>alert(1)</script>)'],
    ['raw html block', '<div onclick="x()"><iframe src="https://evil.example"></iframe></div>'],
    ['svg', '<svg><script>alert(1)</script></svg>'],
    ['style', '<style>body{display:none}</style>'],
    ['autolink', '<javascript:alert(1)>'],
  ];
  for (const [name, payload] of payloads) {
    test(`hostile model output is inert: ${name}`, () => {
      const div = dom.window.document.createElement('div');
      div.append(renderer.render(`before\n\n${payload}\n\nafter`));
      assert.equal(div.querySelectorAll('script, img, iframe, svg, style, object, embed, form, input').length, 0, div.innerHTML);
      for (const el of Array.from(div.querySelectorAll('*'))) {
        for (const attr of Array.from(el.attributes)) {
          assert.doesNotMatch(attr.name, /^on/i, div.innerHTML);
          assert.doesNotMatch(attr.value, /^\s*(javascript|data|vbscript):/i, div.innerHTML);
        }
      }
      for (const a of Array.from(div.querySelectorAll('a[href]'))) {
        const href = a.getAttribute('href') ?? '';
        assert.ok(href === '#' || /^(https?:|mailto:)/i.test(href), href);
      }
      assert.match(div.textContent ?? '', /before[\s\S]*after/);
    });
  }

  test('raw HTML is shown as text, not markup', () => {
    const div = dom.window.document.createElement('div');
    div.append(renderer.render('<b>not bold</b>'));
    assert.equal(div.querySelector('b'), null);
    assert.match(div.textContent ?? '', /<b>not bold<\/b>/);
  });

  test('http links are kept and show their target', () => {
    const div = dom.window.document.createElement('div');
    div.append(renderer.render('[docs](https://example.com/a)'));
    const a = div.querySelector('a');
    assert.equal(a?.getAttribute('href'), 'https://example.com/a');
    assert.equal(a?.getAttribute('title'), 'https://example.com/a');
  });
});
