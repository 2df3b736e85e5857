// `minions index [--workspace DIR] [--json]`: builds or refreshes the cached index of a folder
// and prints what it holds. Also home of the option handling `minions search` shares.
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { MinionsError } from '../../core/errors';
import { openIndex, type WorkspaceIndex } from '../../core/index/index';

export const INDEX_OPTIONS = {
  workspace: { type: 'string', short: 'w' },
  json: { type: 'boolean', default: false },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'max-file-bytes': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const INDEX_HELP = `usage: minions index [--workspace DIR] [--json] [options]

Builds the index of DIR (default: the current folder), or refreshes the cached one.

  -w, --workspace DIR     folder to index (default: current folder)
      --json              print {"files","chunks","bytes","skipped","ms","documents"}
                          (documents: PDFs and notebooks left out or read in part,
                          each {"path","reason","hint","partial"})
      --cache DIR         cache folder (default: $XDG_CACHE_HOME/minions or ~/.cache/minions)
      --no-cache          keep the index in memory only
      --include GLOB      index only matching paths (repeatable)
      --exclude GLOB      leave matching paths out (repeatable)
      --max-file-bytes N  skip larger files (default 1000000)`;

/** parseArgs throws plain errors for unknown or malformed options; say what to do instead. */
export function parseCommandArgs<R>(parse: () => R, command: string): R {
  try {
    return parse();
  } catch (err) {
    throw new MinionsError('bad-input', err instanceof Error ? err.message : String(err), `Run 'minions ${command} --help' to see the options`);
  }
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'minions');
}

export interface IndexFlags {
  workspace?: string;
  cache?: string;
  'no-cache'?: boolean;
  include?: string[];
  exclude?: string[];
  'max-file-bytes'?: string;
}

/** `oneShot`: the command reads the index and ends (index, search, ask); the MCP server stays and refreshes. */
export async function openFromFlags(flags: IndexFlags, { oneShot }: { oneShot: boolean }): Promise<{ index: WorkspaceIndex; workspace: string }> {
  const workspace = resolve(flags.workspace ?? process.cwd());
  let maxFileBytes: number | undefined;
  if (flags['max-file-bytes'] !== undefined) {
    maxFileBytes = Number(flags['max-file-bytes']);
    if (!Number.isInteger(maxFileBytes) || maxFileBytes <= 0)
      throw new MinionsError('bad-input', `--max-file-bytes must be a positive whole number, not '${flags['max-file-bytes']}'`, 'Pass a size in bytes, e.g. --max-file-bytes 1000000');
  }
  const index = await openIndex({
    roots: [workspace],
    cacheDir: flags['no-cache'] ? undefined : resolve(flags.cache ?? defaultCacheDir()),
    include: flags.include,
    exclude: flags.exclude,
    maxFileBytes,
    // This process is ours: it keeps the grammars' wasm on V8's baseline tier (wasm-tiering.ts).
    ownsProcess: true,
    oneShot,
  });
  return { index, workspace };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(() => parseArgs({ args: argv, options: INDEX_OPTIONS, allowPositionals: false }), 'index');
  if (values.help) {
    process.stdout.write(INDEX_HELP + '\n');
    return 0;
  }
  const { index, workspace } = await openFromFlags(values, { oneShot: true });
  try {
    const s = index.stats;
    const documents = index.documentNotes();
    if (values.json) process.stdout.write(JSON.stringify({ files: s.files, chunks: s.chunks, bytes: s.bytes, skipped: s.skipped, ms: s.ms, documents }) + '\n');
    else {
      process.stdout.write(`indexed ${workspace}: ${s.files} files, ${s.chunks} chunks, ${s.bytes} bytes, ${s.skipped} skipped, ${s.ms} ms\n`);
      for (const d of documents) process.stdout.write(`${d.partial ? 'in part' : 'left out'}: ${d.path}: ${d.reason} (${d.hint})\n`);
    }
  } finally {
    await index.dispose();
  }
  return 0;
}
