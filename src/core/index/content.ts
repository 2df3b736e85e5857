// A file's indexed content (its text and chunk ranges), shared by every file with the same hash.
// Its text is held in memory only while nothing else holds it: once the content is in the disk
// cache, the text is dropped and read back from the cache file when a chunk is made (a search
// hit, a job). A reopen therefore decodes no text at all, and a big workspace's memory is its
// lexical index and chunk ranges, not a second copy of every file.
import { sha1 } from './sha1';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ChunkSpec } from './chunk-types';
import { specList, StoredSpecs } from './spec-columns';

/**
 * A cache file as this process wrote or read it. Its inode and size tell a file saved over it
 * (saves rename a new file into place) at the cost of one fstat; each text's checksum catches
 * the rest (a reused inode, bytes damaged in place).
 */
export class CacheFileRef {
  /** Gives a content's text back from its source file when the cache file no longer holds it. */
  recover: (hash: string) => string | undefined = () => undefined;

  constructor(
    readonly path: string,
    private readonly ino: number,
    /** Undefined for a file that is still being appended to (a spool). */
    private readonly size: number | undefined,
  ) {}

  static ofOpenFile(path: string, fd: number): CacheFileRef {
    const st = fstatSync(fd);
    return new CacheFileRef(path, st.ino, st.size);
  }

  /**
   * The bytes at `place`, or undefined when the file is gone, is no longer the one the offsets
   * were taken from (another process saved over it, the cache was cleared) or is damaged there.
   */
  read({ at, len, sum }: TextPlace): Buffer | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'r');
      const st = fstatSync(fd);
      if (st.ino !== this.ino || (this.size !== undefined && st.size !== this.size)) return undefined;
      const out = Buffer.allocUnsafe(len);
      for (let got = 0; got < len; ) {
        const n = readSync(fd, out, got, len - got, at + got);
        if (n === 0) return undefined;
        got += n;
      }
      return textSum(out) === sum ? out : undefined;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

/** Where a content's text sits in a cache file (UTF-8 bytes), and their checksum. */
export interface TextPlace {
  readonly file: CacheFileRef;
  readonly at: number;
  readonly len: number;
  readonly sum: string;
}

/** A short checksum of a stored text: a damaged cache gives the text back from the file instead. */
export function textSum(bytes: Uint8Array): string {
  return sha1(bytes, 'base64').slice(0, 12);
}

/** textSum() of bytes whose SHA-1 in hex is already known (a file's content hash): no second pass over them. */
function textSumOfSha1(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64').slice(0, 12);
}

/** The same bytes as a Buffer (no copy). */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export class IndexedContent {
  private held: string | undefined;
  /**
   * The text as its exact UTF-8 bytes: the file's own bytes, when they decode to themselves, so
   * their SHA-1 is `hash`. The cache write then neither encodes the text again nor hashes it, and
   * a build keeps one byte per character of the file, not the decoded string as well.
   */
  private heldBytes: Uint8Array | undefined;
  private place: TextPlace | undefined;
  /** The chunk specs, once decoded (a content read from the cache keeps them stored until asked). */
  private specList: readonly ChunkSpec[] | undefined;
  private storedSpecs: StoredSpecs | undefined;

  constructor(
    readonly hash: string,
    readonly language: string,
    specs: readonly ChunkSpec[] | StoredSpecs,
    /** `bytes`: the file's bytes, which decode to the text exactly (see heldBytes). */
    source: { text: string } | { place: TextPlace } | { bytes: Uint8Array },
    /** A document read in part: why, and what to do (PDF page cap, time budget). */
    readonly note?: { reason: string; hint: string },
    /**
     * The text is derived (PDF pages, notebook cells), not the file's decoded bytes: it cannot be
     * recovered from the file cheaply, so it stays in memory and is stored inline in the cache.
     */
    readonly derived = false,
  ) {
    if ('text' in source) this.held = source.text;
    else if ('bytes' in source) this.heldBytes = source.bytes;
    else this.place = source.place;
    if (specs instanceof StoredSpecs) this.storedSpecs = specs;
    else this.specList = specs;
  }

  get specs(): readonly ChunkSpec[] {
    if (!this.specList) {
      this.specList = this.storedSpecs!.decode();
      this.storedSpecs = undefined;
    }
    return this.specList;
  }

  /**
   * The specs for one use: stored ones are decoded and not kept (a build reads a content's names
   * once, for the lexical index, and a search decodes only the contents it hits).
   */
  specsOnce(): readonly ChunkSpec[] {
    return specList(this.specsToStore);
  }

  /** How many chunks, without decoding stored specs. */
  get specCount(): number {
    return this.specList ? this.specList.length : this.storedSpecs!.count;
  }

  /** The last chunk's end line (0 for none), without decoding stored specs. */
  get lastLine(): number {
    const list = this.specList;
    return list ? (list.length ? list[list.length - 1]!.endLine : 0) : this.storedSpecs!.lastLine;
  }

  /** The specs as a save writes them: still stored if never decoded (copied as they are). */
  get specsToStore(): readonly ChunkSpec[] | StoredSpecs {
    return this.specList ?? this.storedSpecs!;
  }

  get text(): string {
    if (this.held !== undefined) return this.held;
    // Decoded on each use, as a text read back from the cache file is.
    if (this.heldBytes) return asBuffer(this.heldBytes).toString('utf8');
    const place = this.place!;
    const bytes = place.file.read(place);
    if (bytes) return bytes.toString('utf8');
    // The cache file changed under us: the file itself gives the text back if it is unchanged.
    // If it changed too, a refresh or update re-indexes it (its stat differs); until then its
    // chunks read as empty rather than as someone else's text.
    const recovered = place.file.recover(this.hash);
    if (recovered !== undefined) {
      this.held = recovered;
      this.place = undefined;
      return recovered;
    }
    return '';
  }

  /** The checksum of textBytes(), when it is known without reading them. */
  get knownSum(): string | undefined {
    if (this.heldBytes) return textSumOfSha1(this.hash);
    return this.held === undefined ? this.place?.sum : undefined;
  }

  /** The text as UTF-8 for a cache write: copied from the cache file when it is not in memory. */
  textBytes(): Buffer {
    if (this.heldBytes) return asBuffer(this.heldBytes);
    if (this.held === undefined && this.place) {
      const bytes = this.place.file.read(this.place);
      if (bytes) return bytes;
    }
    return Buffer.from(this.text, 'utf8');
  }

  /** True while the text is held in memory. */
  get inMemory(): boolean {
    return this.held !== undefined || this.heldBytes !== undefined;
  }

  /** What the text held in memory weighs (UTF-16 units or UTF-8 bytes, whichever it is held as); 0 once it is stored. */
  get heldSize(): number {
    return this.held?.length ?? this.heldBytes?.length ?? 0;
  }

  /** The content was written at `place`: from now on its text is read from there, not held. */
  storedAt(place: TextPlace): void {
    if (this.derived) return;
    this.place = place;
    this.held = undefined;
    this.heldBytes = undefined;
  }
}

/**
 * Where a build puts texts until the cache is written: each new content's text is appended to a
 * spool file in the cache folder and dropped from memory, so a cold index of a big workspace
 * never holds every file's text at once. The cache write copies the bytes from here; the spool is
 * deleted when the index closes (and, left behind by a crash, when the next index opens there).
 */
export class TextSpool {
  private fd: number | undefined;
  private file: CacheFileRef | undefined;
  private end = 0;
  private readonly path: string;
  private static counter = 0;

  constructor(
    private readonly dir: string,
    private readonly recover: (hash: string) => string | undefined,
  ) {
    this.path = join(dir, `spool-${process.pid}-${TextSpool.counter++}.tmp`);
  }

  /** Moves a content's text to the spool; false (the text stays in memory) if it cannot be written. */
  put(content: IndexedContent): boolean {
    if (content.derived || !content.inMemory) return false;
    try {
      if (this.fd === undefined) {
        mkdirSync(this.dir, { recursive: true });
        this.fd = openSync(this.path, 'w+');
        this.file = new CacheFileRef(this.path, fstatSync(this.fd).ino, undefined);
        this.file.recover = this.recover;
      }
      const bytes = content.textBytes();
      const sum = content.knownSum ?? textSum(bytes);
      for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off, bytes.length - off, this.end + off);
      content.storedAt({ file: this.file!, at: this.end, len: bytes.length, sum });
      this.end += bytes.length;
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }

  /** Removes spools that crashed processes left in `dir`. */
  static removeStale(dir: string): void {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const m = /^spool-(\d+)-\d+\.tmp$/.exec(n);
      if (m && !processAlive(Number(m[1]))) rmSync(join(dir, n), { force: true });
    }
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
