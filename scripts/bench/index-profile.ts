// Where a cold index spends its CPU time, from real V8 CPU profiles (node --cpu-prof writes one
// per thread: the main thread and each parse worker). Every sample is charged to the innermost
// frame from the index's own sources (mapped through the bundle's source map), by file and
// function; samples with no such frame are module loading, runtime start and the like.
import { readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, join } from 'node:path';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; parent?: number; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export const CATEGORIES = ['walk', 'read', 'hash', 'sniff/decode', 'parse', 'grammar load', 'chunk', 'identifier scan', 'postings', 'pipeline', 'transfer', 'cache write', 'gc', 'startup/other'] as const;
export type Category = (typeof CATEGORIES)[number];

const BY_FILE: Record<string, Category> = {
  'walk.ts': 'walk', 'ignore-rules.ts': 'walk', 'secrets.ts': 'walk',
  'changes.ts': 'read',
  'binary.ts': 'sniff/decode',
  'chunker.ts': 'parse', 'grammars.ts': 'grammar load',
  'chunk-syntax.ts': 'chunk', 'chunk-lines.ts': 'chunk', 'chunk-markdown.ts': 'chunk', 'tokens.ts': 'chunk',
  'terms.ts': 'identifier scan',
  'lexical.ts': 'postings',
  'store.ts': 'cache write', 'persistence.ts': 'cache write',
  'parse-pool.ts': 'transfer', 'parse-worker.ts': 'transfer',
  'pipeline.ts': 'pipeline', 'file-table.ts': 'pipeline', 'index.ts': 'pipeline', 'languages.ts': 'pipeline', 'ranking-priors.ts': 'pipeline',
};

function categoryOf(file: string, fn: string): Category | undefined {
  if (file === 'index.ts' && fn === 'readCandidate') return 'read'; // before the split, it lived there
  if (file === 'text.ts') return fn === 'decodeText' || fn === 'isMinified' ? 'sniff/decode' : 'chunk';
  return BY_FILE[file];
}

export interface Breakdown { threads: number; totalMs: number; byCategory: Record<Category, number>; mainMs: number; workersMs: number }

export function breakdown(profileDir: string, bundleDir: string): Breakdown {
  const maps = new Map<string, SourceMap | undefined>();
  const sourceMapOf = (url: string): SourceMap | undefined => {
    if (!maps.has(url)) {
      let map: SourceMap | undefined;
      try {
        const file = join(bundleDir, basename(new URL(url).pathname) + '.map');
        map = new SourceMap(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        map = undefined;
      }
      maps.set(url, map);
    }
    return maps.get(url);
  };
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  let totalMs = 0;
  let mainMs = 0;
  let threads = 0;
  for (const name of readdirSync(profileDir).filter((n) => n.endsWith('.cpuprofile'))) {
    const prof = JSON.parse(readFileSync(join(profileDir, name), 'utf8')) as CpuProfile;
    threads++;
    const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
    for (const n of prof.nodes) for (const c of n.children ?? []) nodes.get(c)!.parent = n.id;
    const memo = new Map<number, Category | 'idle'>();
    const classify = (id: number): Category | 'idle' => {
      const hit = memo.get(id);
      if (hit) return hit;
      let result: Category | 'idle' = 'startup/other';
      const leaf = nodes.get(id)!.callFrame;
      if (leaf.functionName === '(idle)') result = 'idle';
      else if (leaf.functionName === '(garbage collector)') result = 'gc';
      else {
        let sawCrypto = false;
        for (let cur: ProfileNode | undefined = nodes.get(id); cur; cur = cur.parent === undefined ? undefined : nodes.get(cur.parent)) {
          const f = cur.callFrame;
          if (f.url.includes('internal/crypto')) sawCrypto = true;
          if (!f.url.startsWith('file:') && !f.url.startsWith('/')) continue;
          const entry = sourceMapOf(f.url.startsWith('/') ? `file://${f.url}` : f.url)?.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string } | undefined;
          const src = entry?.originalSource ?? '';
          if (!src.includes('src/core/index/')) continue;
          const cat = categoryOf(basename(src), f.functionName);
          if (!cat) continue;
          result = cat === 'read' && sawCrypto ? 'hash' : cat;
          break;
        }
      }
      memo.set(id, result);
      return result;
    };
    let threadMs = 0;
    for (let i = 0; i < prof.samples.length; i++) {
      const cat = classify(prof.samples[i]!);
      const ms = (prof.timeDeltas[i + 1] ?? 0) / 1000; // a sample's time is the gap to the next one
      if (cat === 'idle') continue;
      byCategory[cat] += ms;
      threadMs += ms;
    }
    totalMs += threadMs;
    // The main thread's profile is the one whose file name ends in thread id 0.
    if (/\.0\.\d+\.cpuprofile$/.test(name)) mainMs += threadMs;
  }
  return { threads, totalMs, byCategory, mainMs, workersMs: totalMs - mainMs };
}
