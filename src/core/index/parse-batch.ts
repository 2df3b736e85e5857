// What a parse worker does with one message, wherever it runs (a thread, or a process of its
// own): chunk each request of the batch, one failure never taking the others with it.
import { getHeapStatistics } from 'node:v8';
import { chunkText, type ChunkResult } from './chunker';
import { decodeRequests, encodeResults, type RequestBatch, type ResultBatch } from './parse-wire';
import { IdentInterner } from './terms';

export async function chunkBatch(batch: RequestBatch): Promise<{ batch: ResultBatch; transfer: ArrayBuffer[] }> {
  const results: (ChunkResult | Error)[] = [];
  // One identifier table for the batch, as the wire sends it (files of a project share most of theirs).
  const identifiers = new IdentInterner();
  for (const req of decodeRequests(batch)) {
    try {
      results.push(await chunkText(req, identifiers));
    } catch (err) {
      results.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  const out = encodeResults(batch.id, results, identifiers.table);
  // The isolate's external memory (the wasm heap among it); memoryUsage() would also read the
  // process's RSS from /proc on every batch.
  out.batch.external = getHeapStatistics().external_memory;
  return out;
}
