// Chunk specs as the cache stores them: a frame's specs in two columns (numbers, and the symbols
// and names joined), decoded into objects per content when first asked for. A reopen of a
// 105k-file tree deserialised 363k spec objects and their name lists (0.4 s, and most of the
// 0.67 s of garbage collection that came with it) to use only each content's chunk count and
// last line; a search, a job or a save decodes the contents it touches. A build keeps the specs
// its parse workers send the same way, a frame per batch (parse-wire.ts).
import type { ChunkSpec } from './chunk-types';

/** Numbers per spec: startLine, endLine, tokens, symbolKind, name count (-1: no list). */
export const SPEC_ROW = 5;

/**
 * How a spec's symbol is stored: 0 none, 1 its own string, 2 its first name (a definition's
 * chunk), which is then stored once.
 */
function symbolKind(spec: ChunkSpec): 0 | 1 | 2 {
  return spec.symbol === undefined ? 0 : spec.names && spec.symbol === spec.names[0] ? 2 : 1;
}

/** Appends a spec as the parse wire and the cache store it: SPEC_ROW numbers, then its symbol (own string only) and names. */
export function writeSpec(spec: ChunkSpec, nums: number[], strings: string[]): void {
  const kind = symbolKind(spec);
  const names = spec.names;
  nums.push(spec.startLine, spec.endLine, spec.tokens, kind, names ? names.length : -1);
  if (kind === 1) strings.push(spec.symbol!);
  if (names) for (const n of names) strings.push(n);
}

/** How many strings writeSpec stored for the spec at nums[row..]. */
function stringsOfRow(nums: ArrayLike<number>, row: number): number {
  return (nums[row + 3] === 1 ? 1 : 0) + Math.max(0, nums[row + 4]!);
}

/** The spec writeSpec stored at nums[row..], its strings from strings[at.next] on (advanced past them). */
export function readSpec(nums: ArrayLike<number>, row: number, strings: readonly string[], at: { next: number }): ChunkSpec {
  const spec: ChunkSpec = { startLine: nums[row]!, endLine: nums[row + 1]!, tokens: nums[row + 2]! };
  const kind = nums[row + 3]!;
  const names = nums[row + 4]!;
  if (kind === 1) spec.symbol = strings[at.next++]!;
  else if (kind === 2) spec.symbol = strings[at.next]!;
  if (names >= 0) {
    spec.names = strings.slice(at.next, at.next + names);
    at.next += names;
  }
  return spec;
}

/** Ends each stored string (a chunk's symbol and names are identifiers and headings, never a NUL). */
const END = '\0';

/** One frame's specs: content i's are rows rowStarts[i]..rowStarts[i+1] and strings charStarts[i]..charStarts[i+1]. */
export interface SpecFrame {
  rows: Int32Array;
  rowStarts: Uint32Array;
  strings: string;
  charStarts: Uint32Array;
}

/** A content's specs in a frame, until they are decoded. */
export class StoredSpecs {
  constructor(
    private readonly frame: SpecFrame,
    private readonly index: number,
  ) {}

  get count(): number {
    return this.frame.rowStarts[this.index + 1]! - this.frame.rowStarts[this.index]!;
  }

  /** The last chunk's end line, 0 for none. */
  get lastLine(): number {
    const end = this.frame.rowStarts[this.index + 1]!;
    return end > this.frame.rowStarts[this.index]! ? this.frame.rows[(end - 1) * SPEC_ROW + 1]! : 0;
  }

  decode(): ChunkSpec[] {
    const { rows, rowStarts, strings, charStarts } = this.frame;
    const i = this.index;
    const texts = strings.slice(charStarts[i]!, charStarts[i + 1]!).split(END);
    const at = { next: 0 };
    const out: ChunkSpec[] = [];
    for (let r = rowStarts[i]! * SPEC_ROW, end = rowStarts[i + 1]! * SPEC_ROW; r < end; r += SPEC_ROW) out.push(readSpec(rows, r, texts, at));
    return out;
  }

  /** Its rows and strings as stored (a save copies them without decoding). */
  raw(): { rows: Int32Array; strings: string } {
    const { rows, rowStarts, strings, charStarts } = this.frame;
    const i = this.index;
    return { rows: rows.subarray(rowStarts[i]! * SPEC_ROW, rowStarts[i + 1]! * SPEC_ROW), strings: strings.slice(charStarts[i]!, charStarts[i + 1]!) };
  }
}

/** Specs as a list, decoded if they are stored. */
export function specList(specs: readonly ChunkSpec[] | StoredSpecs): readonly ChunkSpec[] {
  return specs instanceof StoredSpecs ? specs.decode() : specs;
}

/** Builds a frame's columns, content by content. */
export class SpecFrameWriter {
  private rows: number[] = [];
  private rowStarts: number[] = [0];
  private strings: string[] = [];
  private chars = 0;
  private charStarts: number[] = [0];

  /**
   * Adds the next content's specs (decoded or stored); false, with an empty entry in its place,
   * when they must be kept as objects instead: a document's page or cell places, or a NUL in a
   * string.
   */
  add(specs: readonly ChunkSpec[] | StoredSpecs): boolean {
    if (specs instanceof StoredSpecs) {
      const { rows, strings } = specs.raw();
      for (const n of rows) this.rows.push(n);
      this.push(strings);
      return this.close();
    }
    if (specs.some((s) => s.page !== undefined || s.pages !== undefined || s.cell !== undefined || s.lineOffset !== undefined)) return this.skip();
    const nums: number[] = [];
    const strings: string[] = [];
    for (const s of specs) writeSpec(s, nums, strings);
    return this.addRows(nums, 0, specs.length, strings, { next: 0 });
  }

  /**
   * Adds the next content's specs as the parse wire laid them out (writeSpec): `count` rows of
   * `nums` from `row` on, their strings from `strings[at.next]` on (advanced past them). False,
   * as add(), when a string holds a NUL; `at` is then left where it was.
   */
  addRows(nums: ArrayLike<number>, row: number, count: number, strings: readonly string[], at: { next: number }): boolean {
    const end = row + count * SPEC_ROW;
    let used = 0;
    for (let r = row; r < end; r += SPEC_ROW) used += stringsOfRow(nums, r);
    for (let k = at.next; k < at.next + used; k++) if (strings[k]!.includes(END)) return this.skip();
    for (let r = row; r < end; r++) this.rows.push(nums[r]!);
    if (used > 0) this.push(strings.slice(at.next, at.next + used).join(END) + END);
    at.next += used;
    return this.close();
  }

  /** Contents added so far (the next one's index in the frame). */
  get count(): number {
    return this.rowStarts.length - 1;
  }

  private push(text: string): void {
    this.strings.push(text);
    this.chars += text.length;
  }

  /** An empty entry, so that the contents after it keep their indices. */
  private skip(): false {
    this.rowStarts.push(this.rowStarts[this.rowStarts.length - 1]!);
    this.charStarts.push(this.chars);
    return false;
  }

  private close(): true {
    this.rowStarts.push(this.rows.length / SPEC_ROW);
    this.charStarts.push(this.chars);
    return true;
  }

  frame(): SpecFrame {
    return { rows: Int32Array.from(this.rows), rowStarts: Uint32Array.from(this.rowStarts), strings: this.strings.join(''), charStarts: Uint32Array.from(this.charStarts) };
  }
}
