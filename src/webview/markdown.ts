// Model output → safe DOM. The answer is markdown written by a remote model that has read
// (summaries of) an arbitrary repository, so it is hostile input: markdown-it renders it with
// raw HTML and images disabled, DOMPurify then keeps only a small allow-list of tags and
// attributes, and links are rewritten last: `path:line` citations become buttons-like links
// the panel handles itself, http(s) links stay as plain links, everything else loses its href.
// The webview's CSP (nonce scripts only) is the second wall behind this one.

import MarkdownIt from 'markdown-it';
import createDOMPurify from 'dompurify';
import type { Citation } from '../shared/run/events';

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote',
  'pre', 'code', 'em', 'strong', 's', 'del', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALLOWED_ATTR = ['href', 'title', 'start'];

/** `src/a.ts:12`, `src/a.ts:12-20`, `src/a.ts#L12-L20`; a path needs an extension or a folder. */
const CITATION_SOURCE =
  String.raw`(?<![\w./@:#-])((?:[\w.@-]+/)+[\w.@-]+|[\w@-][\w.@-]*\.[A-Za-z][A-Za-z0-9]{0,9})(?::(\d{1,7})|#L(\d{1,7}))(?:[-–]L?(\d{1,7}))?(?![\w])`;

export interface CitationMatch {
  index: number;
  length: number;
  citation: Citation;
}

/** Finds `path:line` citations in plain text. */
export function findCitations(text: string): CitationMatch[] {
  const out: CitationMatch[] = [];
  for (const m of text.matchAll(new RegExp(CITATION_SOURCE, 'g'))) {
    const path = m[1] ?? '';
    const startLine = Number(m[2] ?? m[3]);
    const endLine = m[4] !== undefined ? Number(m[4]) : startLine;
    if (!(startLine >= 1) || endLine < startLine || path.includes('..')) continue;
    out.push({ index: m.index ?? 0, length: m[0].length, citation: { path, startLine, endLine } });
  }
  return out;
}

/** Parses a whole string as one citation (a link's href), or undefined. */
export function parseCitation(text: string): Citation | undefined {
  const found = findCitations(text);
  const first = found[0];
  return found.length === 1 && first && first.index === 0 && first.length === text.length ? first.citation : undefined;
}

export interface AnswerRenderer {
  /** Markdown → a sanitized fragment owned by the renderer's document. */
  render(markdown: string): DocumentFragment;
}

/** Marks a citation link; the panel listens for clicks on these. */
export const CITATION_CLASS = 'cite';

/** Creates a renderer bound to a window (the webview's, or jsdom's in tests). */
export function createAnswerRenderer(win: Window): AnswerRenderer {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  md.disable('image');
  const purify = createDOMPurify(win as unknown as Parameters<typeof createDOMPurify>[0]);
  const doc = win.document;

  return {
    render(markdown: string): DocumentFragment {
      const html = md.render(markdown);
      const fragment = purify.sanitize(html, {
        ALLOWED_TAGS,
        ALLOWED_ATTR,
        ALLOW_DATA_ATTR: false,
        ALLOW_ARIA_ATTR: false,
        RETURN_DOM_FRAGMENT: true,
      }) as DocumentFragment;
      rewriteLinks(fragment, doc);
      linkifyCitations(fragment, doc);
      return fragment;
    },
  };
}

/** Builds the element the panel uses for every citation (answer, jobs, plan). */
export function citationLink(doc: Document, citation: Citation, label: string): HTMLAnchorElement {
  const a = doc.createElement('a');
  a.className = CITATION_CLASS;
  a.href = '#';
  a.dataset.path = citation.path;
  a.dataset.start = String(citation.startLine);
  a.dataset.end = String(citation.endLine);
  a.title = `Open ${label}`;
  a.textContent = label;
  return a;
}

/** Reads a citation back from a link built by `citationLink`. */
export function citationOf(el: Element): Citation | undefined {
  const path = el.getAttribute('data-path');
  const startLine = Number(el.getAttribute('data-start'));
  const endLine = Number(el.getAttribute('data-end'));
  if (!path || !Number.isInteger(startLine) || !Number.isInteger(endLine) || startLine < 1 || endLine < startLine) return undefined;
  return { path, startLine, endLine };
}

function rewriteLinks(root: DocumentFragment, doc: Document): void {
  for (const a of Array.from(root.querySelectorAll('a'))) {
    const href = a.getAttribute('href') ?? '';
    const citation = parseCitation(href);
    if (citation) {
      const link = citationLink(doc, citation, a.textContent || href);
      a.replaceWith(link);
      continue;
    }
    if (/^(https?:|mailto:)/i.test(href)) {
      a.title = href;
      continue;
    }
    // Anything else (relative, data:, javascript: that slipped through, empty): keep the text only.
    const span = doc.createElement('span');
    span.textContent = a.textContent;
    a.replaceWith(span);
  }
}

function linkifyCitations(root: DocumentFragment, doc: Document): void {
  const showText = 4; // NodeFilter.SHOW_TEXT, without relying on a global NodeFilter (jsdom)
  const walker = doc.createTreeWalker(root, showText);
  const targets: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    // Not inside links (already handled) nor code blocks (file content, not references).
    if (parent?.closest('a, pre')) continue;
    targets.push(node as Text);
  }
  for (const text of targets) {
    const value = text.data;
    const matches = findCitations(value);
    if (matches.length === 0) continue;
    const out = doc.createDocumentFragment();
    let at = 0;
    for (const m of matches) {
      if (m.index > at) out.append(value.slice(at, m.index));
      out.append(citationLink(doc, m.citation, value.slice(m.index, m.index + m.length)));
      at = m.index + m.length;
    }
    if (at < value.length) out.append(value.slice(at));
    text.replaceWith(out);
  }
}
