// Jupyter notebooks (.ipynb) as cells, not JSON: the indexed text is each cell in order, a
// header line naming it (`# [cell 3] code (python)`), its source, then its outputs as short
// text (streams, text/plain results, error names). Images, HTML and every base64 payload are
// left out: a reader gets the notebook a person reads, never its metadata. One chunk per cell;
// a long cell is split by lines. Each chunk knows its cell (citations `nb.ipynb#cell=N:line`).
import { chunkLineRange, LineCosts, TEXT_OVERLAP_LINES } from './chunk-lines';
import type { ChunkSpec } from './chunk-types';
import { splitLines } from './text';

/** Output text kept per cell: enough to show a result or an error, not a dump. */
const OUTPUT_MAX_LINES = 20;
const OUTPUT_MAX_CHARS = 2000;

interface NotebookCell {
  cell_type?: unknown;
  source?: unknown;
  outputs?: unknown;
}

export class NotebookUnreadable extends Error {}

export function chunkNotebook(json: string, budget: number): { text: string; specs: ChunkSpec[] } {
  let nb: { cells?: unknown; metadata?: { language_info?: { name?: unknown }; kernelspec?: { language?: unknown } } };
  try {
    nb = JSON.parse(json);
  } catch (err) {
    throw new NotebookUnreadable(`not valid notebook JSON: ${(err as Error).message}`);
  }
  if (!nb || !Array.isArray(nb.cells)) throw new NotebookUnreadable('not a Jupyter notebook: no "cells" list');
  const kernel = nb.metadata?.language_info?.name ?? nb.metadata?.kernelspec?.language;
  const language = typeof kernel === 'string' && kernel ? kernel : 'python';
  const lines: string[] = [];
  const cells: { cell: number; from: number; to: number }[] = [];
  (nb.cells as NotebookCell[]).forEach((c, i) => {
    const kind = typeof c?.cell_type === 'string' ? c.cell_type : 'raw';
    const from = lines.length;
    lines.push(`# [cell ${i + 1}] ${kind === 'code' ? `code (${language})` : kind}`);
    lines.push(...splitLines(joinSource(c?.source)));
    if (kind === 'code') {
      const out = outputText(c?.outputs);
      if (out.length) lines.push('# [output]', ...out);
    }
    cells.push({ cell: i + 1, from, to: lines.length - 1 });
  });
  const costs = LineCosts.ofLines(lines);
  const specs: ChunkSpec[] = [];
  for (const c of cells)
    // The header is the cell's first indexed line, so lines within the cell count from the one after it.
    for (const s of chunkLineRange(costs, c.from, c.to, budget, TEXT_OVERLAP_LINES, `cell ${c.cell}`))
      specs.push({ ...s, cell: c.cell, lineOffset: c.from + 1 });
  return { text: lines.join('\n'), specs };
}

function joinSource(source: unknown): string {
  if (typeof source === 'string') return source;
  if (Array.isArray(source)) return source.filter((s) => typeof s === 'string').join('');
  return '';
}

function outputText(outputs: unknown): string[] {
  if (!Array.isArray(outputs)) return [];
  const parts: string[] = [];
  for (const o of outputs as Record<string, unknown>[]) {
    if (!o || typeof o !== 'object') continue;
    if (o.output_type === 'stream') parts.push(joinSource(o.text));
    else if (o.output_type === 'error') parts.push(`${String(o.ename ?? 'Error')}: ${String(o.evalue ?? '')}`);
    else {
      const data = o.data as Record<string, unknown> | undefined;
      const plain = data?.['text/plain'];
      if (plain !== undefined) parts.push(joinSource(plain));
      else if (data && Object.keys(data).some((k) => k.startsWith('image/'))) parts.push('(image output not shown)');
    }
  }
  let text = parts.join('\n').replace(/\u001b\[[0-9;]*m/g, '');
  let cut = false;
  if (text.length > OUTPUT_MAX_CHARS) {
    text = text.slice(0, OUTPUT_MAX_CHARS);
    cut = true;
  }
  let out = splitLines(text);
  if (out.length > OUTPUT_MAX_LINES) {
    out = out.slice(0, OUTPUT_MAX_LINES);
    cut = true;
  }
  if (cut) out.push('... (output truncated)');
  return out;
}
