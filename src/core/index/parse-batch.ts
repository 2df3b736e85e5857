// What a parse worker does with one message, wherever it runs (a thread, or a process of its
// own): chunk each request of the batch, one failure never taking the others with it.
import { getHeapStatistics } from 'node:v8';
import { chunkText, type ChunkResult } from './chunker';
import { decodeRequests, encodeResults, type RequestBatch, type ResultBatch, type WorkerIdents } from './parse-wire';
import { IdentInterner } from './terms';

/**
 * Identifiers the worker's table holds at most; past this, the next batch that starts while no
 * other is in progress starts a new one (memory: ~30 bytes an identifier here and on the main
 * thread).
 */
export const IDENTS_PER_TABLE = 1 << 18;

// One identifier table for all of this worker's batches, as the wire sends it: only the
// identifiers a batch adds travel, and the main thread maps each to term ids once.
let worker: WorkerIdents = { interner: new IdentInterner(), sent: 0 };
let inProgress = 0;

/** `maxIdents`: the table's cap (tests pass a small one). */
export async function chunkBatch(batch: RequestBatch, maxIdents = IDENTS_PER_TABLE): Promise<{ batch: ResultBatch; transfer: ArrayBuffer[] }> {
  // A batch awaiting a grammar or a PDF lets the next one start: a table is only replaced
  // between batches, never under one that is still adding to it.
  if (inProgress === 0 && worker.interner.table.idents.length >= maxIdents) worker = { interner: new IdentInterner(), sent: 0 };
  inProgress++;
  const idents = worker;
  const results: (ChunkResult | Error)[] = [];
  try {
    for (const req of decodeRequests(batch)) {
      try {
        results.push(await chunkText(req, idents.interner));
      } catch (err) {
        results.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
  } finally {
    inProgress--;
  }
  const out = encodeResults(batch.id, results, idents);
  // The isolate's external memory (the wasm heap among it); memoryUsage() would also read the
  // process's RSS from /proc on every batch.
  out.batch.external = getHeapStatistics().external_memory;
  return out;
}
