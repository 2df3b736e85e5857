// What a chunker returns: line ranges with symbol information. The caller slices the text, so
// chunkers never copy file content (and a parse worker sends back only numbers and names).

export interface ChunkSpec {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  symbol?: string;
  /** Every definition name inside the chunk (qualified), for search weighting. */
  names?: string[];
  tokens: number;
}

export interface ChunkerOptions {
  /** Target tokens per chunk. */
  chunkTokens: number;
}
