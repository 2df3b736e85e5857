// `minions search [--workspace DIR] [--top N] [--json] QUERY`: ranks the workspace's chunks (or,
// with --files, its files) for a query, building or refreshing the cached index first.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MinionsError } from '../../core/errors';
import type { Chunk } from '../../core/index/types';
import { INDEX_OPTIONS, openFromFlags, parseCommandArgs } from './index';

const SEARCH_HELP = `usage: minions search [--workspace DIR] [--top N] [--json] [--text] QUERY

Ranks the code of DIR (default: the current folder) for QUERY, best first.

  -w, --workspace DIR     folder to search (default: current folder)
  -n, --top N             how many results (default 10)
      --json              print {"results":[{"path","startLine","endLine","score","symbol"}]}
                          (PDF results also carry "page" and "pages", notebook results "cell")
      --text              add each result's chunk text (a "text" field with --json)
      --files             one result per file (its best chunk), best files first
      --glob GLOB         only paths matching GLOB (repeatable)
      --query-file FILE   read the query from FILE ('-' for standard input)
  plus the index options of 'minions index --help' (--cache, --no-cache, --include, --exclude)`;

interface Result {
  path: string;
  startLine: number;
  endLine: number;
  score: number;
  symbol?: string;
  page?: number;
  pages?: number;
  cell?: number;
  text?: string;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    () => parseArgs({
      args: argv,
      options: {
        ...INDEX_OPTIONS,
        top: { type: 'string', short: 'n' },
        files: { type: 'boolean', default: false },
        text: { type: 'boolean', default: false },
        glob: { type: 'string', multiple: true },
        'query-file': { type: 'string' },
      },
      allowPositionals: true,
    }),
    'search',
  );
  if (values.help) {
    process.stdout.write(SEARCH_HELP + '\n');
    return 0;
  }
  let query = positionals.join(' ');
  const queryFile = values['query-file'];
  if (queryFile !== undefined) {
    try {
      query = readFileSync(queryFile === '-' ? 0 : queryFile, 'utf8');
    } catch (err) {
      throw new MinionsError('file-unreadable', `Cannot read the query file ${queryFile}: ${(err as Error).message}`, 'Check the path and its permissions');
    }
  }
  if (!query.trim()) throw new MinionsError('bad-input', 'No query given', "Pass the query as an argument, e.g. minions search 'retry policy'");
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top <= 0) throw new MinionsError('bad-input', `--top must be a positive whole number, not '${values.top}'`, 'Pass e.g. --top 10');

  const { index } = await openFromFlags(values, { oneShot: true });
  try {
    const options = { top, globs: values.glob };
    const results: Result[] = values.files
      ? index.searchFiles(query, options).map((f) => toResult(f.chunks[0]!.chunk, f.score, values.text))
      : index.search(query, options).map((h) => toResult(h.chunk, h.score, values.text));
    if (values.json) process.stdout.write(JSON.stringify({ results }) + '\n');
    else if (results.length === 0) process.stdout.write('no results\n');
    else
      for (const r of results) {
        const place = r.page ? ` p.${r.page}` : r.cell ? ` cell ${r.cell}` : '';
        process.stdout.write(`${r.score.toFixed(3).padStart(8)}  ${r.path}:${r.startLine}-${r.endLine}${place}${r.symbol ? `  ${r.symbol}` : ''}\n`);
        if (r.text !== undefined) process.stdout.write(r.text.replace(/^/gm, '    | ') + '\n');
      }
  } finally {
    await index.dispose();
  }
  return 0;
}

function toResult(chunk: Chunk, score: number, withText: boolean | undefined): Result {
  const r: Result = { path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, score: Math.round(score * 10000) / 10000 };
  if (chunk.symbol) r.symbol = chunk.symbol;
  if (chunk.page) {
    r.page = chunk.page;
    if (chunk.pages) r.pages = chunk.pages;
  }
  if (chunk.cell) r.cell = chunk.cell;
  if (withText) r.text = chunk.text;
  return r;
}
