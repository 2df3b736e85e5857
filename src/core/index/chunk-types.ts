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
  /** PDFs: 1-based page; notebooks: 1-based cell (see Chunk). */
  page?: number;
  pages?: number;
  cell?: number;
  lineOffset?: number;
}

export interface ChunkerOptions {
  /** Target tokens per chunk. */
  chunkTokens: number;
}
