// Closes JSON that a token limit cut off. A grammar keeps a model's output a valid JSON *prefix*
// at every token, but `maxTokens` can stop it anywhere: inside a string, after a key, on a
// dangling comma, half way through `true` or `-1.5e`. Capping strings (embedded-schema.ts) makes
// that rare; this makes it harmless. The result is the longest well-formed truncation of the
// prefix: every complete member is kept, a string value that was being written keeps the text
// it has, and anything that cannot stand on its own (a key without its value, a partial number
// or literal, a trailing comma) is dropped. Then the open arrays and objects are closed.

const CLOSER = { '{': '}', '[': ']' } as const;
const COMPLETE_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LITERALS = ['true', 'false', 'null'];
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

type Container = keyof typeof CLOSER;
/** What the innermost container expects next. */
type Expect = 'key-or-end' | 'key' | 'colon' | 'value-or-end' | 'value' | 'comma-or-end';

interface Frame { kind: Container; expect: Expect }

function closers(stack: readonly Frame[]): string {
  let out = '';
  for (let i = stack.length - 1; i >= 0; i--) out += CLOSER[stack[i]!.kind];
  return out;
}

/**
 * The prefix `text` completed into valid JSON, or undefined when it holds no JSON value start at
 * all (or is not a JSON prefix). A complete JSON text comes back as it was (without anything
 * after its end).
 */
export function closeTruncatedJson(text: string): string | undefined {
  const stack: Frame[] = [];
  /** The longest cut that is valid once `closers(stack at that point)` is appended. */
  let safe: string | undefined;
  const markSafe = (end: number) => { safe = text.slice(0, end) + closers(stack); };
  /** After a complete value: the container (if any) now expects a comma or its end. */
  const valueDone = (end: number): boolean => {
    const top = stack[stack.length - 1];
    if (!top) return true; // the top-level value is complete
    top.expect = 'comma-or-end';
    markSafe(end);
    return false;
  };

  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.has(ch)) { i++; continue; }
    const top = stack[stack.length - 1];
    const expect: Expect = top ? top.expect : 'value';

    if (expect === 'colon') {
      if (ch !== ':') return safe;
      top!.expect = 'value';
      i++;
      continue;
    }
    if (expect === 'comma-or-end') {
      if (ch === ',') { top!.expect = top!.kind === '{' ? 'key' : 'value'; i++; continue; }
      if (ch === CLOSER[top!.kind]) {
        stack.pop();
        i++;
        if (valueDone(i)) return text.slice(0, i).trimStart();
        continue;
      }
      return safe;
    }
    if ((expect === 'key-or-end' && ch === '}') || (expect === 'value-or-end' && ch === ']')) {
      stack.pop();
      i++;
      if (valueDone(i)) return text.slice(0, i).trimStart();
      continue;
    }
    if (expect === 'key' || expect === 'key-or-end') {
      if (ch !== '"') return safe;
      const end = stringEnd(text, i);
      if (end < 0) return safe; // a key cut off: drop it
      top!.expect = 'colon';
      i = end;
      continue;
    }
    // A value is expected here.
    if (ch === '{' || ch === '[') {
      stack.push({ kind: ch, expect: ch === '{' ? 'key-or-end' : 'value-or-end' });
      i++;
      markSafe(i);
      continue;
    }
    if (ch === '"') {
      const end = stringEnd(text, i);
      if (end < 0) {
        // A string value cut off: keep what it says, close it.
        const body = withoutPartialEscape(text.slice(0, text.length));
        if (stack.length === 0) return (body + '"').trimStart();
        return body + '"' + closers(stack);
      }
      i = end;
      if (valueDone(i)) return text.slice(0, i).trimStart();
      continue;
    }
    // A number or a literal: it runs to the next delimiter.
    let end = i;
    while (end < text.length && !WHITESPACE.has(text[end]!) && !',]}:'.includes(text[end]!)) end++;
    const token = text.slice(i, end);
    const complete = COMPLETE_NUMBER.test(token) || LITERALS.includes(token);
    if (end === text.length) {
      // Cut inside (or right after) the token: a literal is kept only when whole; a number never,
      // since `12` may have been `123` (a truncation keeps no figure it cannot vouch for).
      if (!LITERALS.includes(token)) return safe;
      if (stack.length === 0) return text.slice(0, end).trimStart();
      return text.slice(0, end) + closers(stack);
    }
    if (!complete) return safe;
    i = end;
    if (valueDone(i)) return text.slice(0, i).trimStart();
  }
  return safe;
}

/** Index just past the closing quote of the string that opens at `start`, or -1 if it never closes. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '"') return i + 1;
  }
  return -1;
}

/** Drops an escape sequence cut in the middle (`\`, `\u12`) from the end of an open string. */
function withoutPartialEscape(open: string): string {
  const unicode = /\\u[0-9a-fA-F]{0,3}$/.exec(open);
  if (unicode && backslashesBefore(open, unicode.index) % 2 === 0) return open.slice(0, unicode.index);
  if (open.endsWith('\\') && backslashesBefore(open, open.length - 1) % 2 === 0) return open.slice(0, -1);
  return open;
}

/** How many backslashes stand right before position `at`. */
function backslashesBefore(text: string, at: number): number {
  let n = 0;
  while (at - 1 - n >= 0 && text[at - 1 - n] === '\\') n++;
  return n;
}
