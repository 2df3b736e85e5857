// The text of one string field of a JSON object (the synthesis's "answer"), decoded as the
// object streams in, so the answer can be shown while the remote is still writing it. Only a
// top-level field counts (an "answer" key inside a nested object is not it); escapes are decoded
// even when a chunk boundary splits them; everything before and after the field is skipped.

type State = 'before' | 'in-key' | 'after-key' | 'before-value' | 'in-value' | 'skip-string' | 'skip-other' | 'done';

export class JsonStringFieldStream {
  private state: State = 'before';
  private depth = 0;
  private key = '';
  private keyEscape = false;
  /** Pending escape in the captured value: '\\' or '\\uXY..'. */
  private escape = '';
  private highSurrogate: number | undefined;
  private skipEscape = false;
  private expectKey = false;

  constructor(private readonly field: string) {}

  /** Feeds the next piece of the JSON text; returns the field's newly decoded characters ('' when none). */
  push(piece: string): string {
    let out = '';
    for (const ch of piece) {
      switch (this.state) {
        case 'done':
          return out;
        case 'in-value':
          out += this.valueChar(ch);
          break;
        case 'in-key':
          if (this.keyEscape) { this.key += ch; this.keyEscape = false; }
          else if (ch === '\\') this.keyEscape = true;
          else if (ch === '"') this.state = 'after-key';
          else this.key += ch;
          break;
        case 'after-key':
          if (ch === ':') this.state = 'before-value';
          break;
        case 'before-value':
          if (/\s/.test(ch)) break;
          if (ch === '"' && this.depth === 1 && this.key === this.field) this.state = 'in-value';
          else this.structural(ch);
          break;
        case 'skip-string':
          if (this.skipEscape) this.skipEscape = false;
          else if (ch === '\\') this.skipEscape = true;
          else if (ch === '"') this.state = 'skip-other';
          break;
        default:
          this.structural(ch);
      }
    }
    return out;
  }

  /** Outside any string: track depth and find the next top-level key. */
  private structural(ch: string): void {
    this.state = 'skip-other';
    if (ch === '{' || ch === '[') {
      this.depth++;
      this.expectKey = ch === '{';
    } else if (ch === '}' || ch === ']') {
      this.depth--;
      this.expectKey = false;
    } else if (ch === ',') {
      this.expectKey = this.depth >= 1;
    } else if (ch === '"') {
      if (this.expectKey) {
        this.state = 'in-key';
        this.key = '';
        this.expectKey = false;
      } else this.state = 'skip-string';
    }
  }

  private valueChar(ch: string): string {
    if (this.escape) {
      this.escape += ch;
      if (this.escape.length === 2 && this.escape !== '\\u') {
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };
        const c = simple[ch] ?? ch;
        this.escape = '';
        return c;
      }
      if (this.escape.length === 6) {
        const code = parseInt(this.escape.slice(2), 16);
        this.escape = '';
        if (Number.isNaN(code)) return '';
        if (code >= 0xd800 && code <= 0xdbff) {
          this.highSurrogate = code;
          return '';
        }
        const high = this.highSurrogate;
        this.highSurrogate = undefined;
        return high !== undefined && code >= 0xdc00 && code <= 0xdfff ? String.fromCharCode(high, code) : String.fromCharCode(code);
      }
      return '';
    }
    if (ch === '\\') {
      this.escape = '\\';
      return '';
    }
    if (ch === '"') {
      this.state = 'done';
      return '';
    }
    return ch;
  }
}

/**
 * Request hooks that stream a structured reply's answer field into `answer-delta` events. Each
 * attempt (a retry, a repair) starts the text over. `finish` clears what was shown when the
 * reply turned out not to be the answer.
 */
export function answerDeltas(emit: (e: { type: 'answer-delta'; round: number; text: string; reset?: boolean }) => void, round: number, field = 'answer') {
  let extractor = new JsonStringFieldStream(field);
  let shown = false;
  let fresh = true;
  return {
    hooks: {
      onStreamStart: () => {
        extractor = new JsonStringFieldStream(field);
        fresh = true;
      },
      onDelta: (piece: string) => {
        const text = extractor.push(piece);
        if (!text) return;
        emit({ type: 'answer-delta', round, text, ...(fresh && shown ? { reset: true } : {}) });
        fresh = false;
        shown = true;
      },
    },
    /** Clears the streamed text when the reply was not a final answer. */
    retract(): void {
      if (shown) emit({ type: 'answer-delta', round, text: '', reset: true });
      shown = false;
    },
  };
}
