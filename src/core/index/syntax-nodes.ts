// A parsed tree's nodes read straight from tree-sitter's runtime, for the syntax chunker.
// web-tree-sitter's Node API makes an object per node it hands out and crosses into wasm through
// generic helpers several times per property: on a cold index of prettier/prettier that glue
// cost more than the chunker's own walk (~0.3 s of CPU across the parse workers). Here a node
// is a handle into a flat array holding the five words tree-sitter marshals a node into, each
// property is one call of the runtime's own export with those words in its transfer buffer
// (the calling convention web-tree-sitter itself uses), and what a node's children are is
// asked once, in bulk. syntax-nodes.test.ts holds every answer against web-tree-sitter's.
import type { Language, Node, Tree } from 'web-tree-sitter';
import { grown } from './typed-arrays';

/** The exports of tree-sitter's runtime that this reads (Emscripten's module object; see grammars.ts). */
export interface TreeRuntime {
  readonly HEAP32: Int32Array;
  _ts_init(): number;
  _free(address: number): void;
  _ts_node_symbol_wasm(tree: number): number;
  _ts_node_end_point_wasm(tree: number): void;
  _ts_node_end_index_wasm(tree: number): number;
  _ts_node_children_wasm(tree: number): void;
  _ts_node_named_children_wasm(tree: number): void;
  _ts_node_child_by_field_id_wasm(tree: number, fieldId: number): void;
}

/** What the syntax chunker asks of a tree's nodes, by handle: SyntaxNodes, or NodeObjects where the runtime cannot be read directly. */
export interface NodeReader {
  type(h: number): string;
  startRow(h: number): number;
  endPointRow(h: number): number;
  endPointColumn(h: number): number;
  childCountOf(h: number): number;
  child(h: number, i: number): number;
  namedChildCountOf(h: number): number;
  namedChild(h: number, i: number): number;
  /** NO_NODE (-1) when there is none. */
  childForField(h: number, name: string): number;
  text(h: number): string;
}

/** Words per node, as tree-sitter's web binding marshals one: id, start index, start row, start column, context. */
const NODE_WORDS = 5;
/** Node handle for "no node". */
export const NO_NODE = -1;

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Whether a runtime can be read this way (its exports are there, and the host is little-endian as wasm memory is). */
export function canReadDirectly(rt: Partial<TreeRuntime> | undefined): rt is TreeRuntime {
  return (
    littleEndian &&
    rt !== undefined &&
    rt.HEAP32 instanceof Int32Array &&
    ['_ts_init', '_free', '_ts_node_symbol_wasm', '_ts_node_end_point_wasm', '_ts_node_end_index_wasm', '_ts_node_children_wasm', '_ts_node_named_children_wasm', '_ts_node_child_by_field_id_wasm'].every(
      (k) => typeof (rt as Record<string, unknown>)[k] === 'function',
    )
  );
}

const transferBuffers = new WeakMap<TreeRuntime, number>();

/**
 * Node records and their memos, shared by every SyntaxNodes of this thread: one tree is read at
 * a time (the chunker is synchronous), and typed arrays made per file were most of the cost on
 * small files. They only grow.
 */
const store = {
  words: new Int32Array(NODE_WORDS * 256),
  /** Per handle: type id (-1 until asked), end row and column (end row -1 until asked). */
  typeIds: new Int32Array(256),
  endRows: new Int32Array(256),
  endColumns: new Int32Array(256),
  /** Per handle: its children's first handle and count (-1 until asked), the same for its named children. */
  childStart: new Int32Array(256),
  childCount: new Int32Array(256),
  namedStart: new Int32Array(256),
  namedCount: new Int32Array(256),
};

/**
 * The nodes of one tree that the chunker has asked about. Handles are valid until the next
 * SyntaxNodes of this thread is made; it holds no wasm memory of its own (the tree is deleted by
 * its owner).
 */
export class SyntaxNodes implements NodeReader {
  private count = 0;
  private readonly tree: number;
  /** The transfer buffer's index in HEAP32. */
  private readonly transfer: number;
  private readonly types: readonly string[];
  private readonly fields: readonly (string | null)[];

  constructor(
    private readonly rt: TreeRuntime,
    tree: Tree,
    private readonly source: string,
  ) {
    this.tree = (tree as unknown as { [0]: number })[0];
    let transfer = transferBuffers.get(rt);
    if (transfer === undefined) {
      transfer = rt._ts_init();
      transferBuffers.set(rt, transfer);
    }
    this.transfer = transfer >>> 2;
    const language = tree.language as Language & { types: string[]; fields: (string | null)[] };
    this.types = language.types;
    this.fields = language.fields;
  }

  /** The handle of web-tree-sitter's root node (or of any node it gave out for this tree). */
  adopt(node: Node): number {
    const h = this.allocate(1);
    const w = store.words;
    const at = h * NODE_WORDS;
    w[at] = node.id;
    w[at + 1] = node.startIndex;
    w[at + 2] = node.startPosition.row;
    w[at + 3] = node.startPosition.column;
    w[at + 4] = (node as unknown as { [0]: number })[0];
    return h;
  }

  private typeId(h: number): number {
    let id = store.typeIds[h]!;
    if (id < 0) {
      this.marshal(h);
      id = store.typeIds[h] = this.rt._ts_node_symbol_wasm(this.tree);
    }
    return id;
  }

  /** The node's type as web-tree-sitter names it. */
  type(h: number): string {
    return this.types[this.typeId(h)] || 'ERROR';
  }

  startRow(h: number): number {
    return store.words[h * NODE_WORDS + 2]!;
  }

  /** The row of the node's end point (Node.endPosition.row). */
  endPointRow(h: number): number {
    this.loadEnd(h);
    return store.endRows[h]!;
  }

  /** The column of the node's end point, in UTF-16 code units (Node.endPosition.column). */
  endPointColumn(h: number): number {
    this.loadEnd(h);
    return store.endColumns[h]!;
  }

  /** How many children (named or not) the node has; child(h, i) is the i-th. */
  childCountOf(h: number): number {
    return this.countOf(h, false);
  }

  child(h: number, i: number): number {
    return this.nth(h, i, false);
  }

  namedChildCountOf(h: number): number {
    return this.countOf(h, true);
  }

  namedChild(h: number, i: number): number {
    return this.nth(h, i, true);
  }

  private countOf(h: number, named: boolean): number {
    this.loadChildren(h, named);
    return (named ? store.namedCount : store.childCount)[h]!;
  }

  private nth(h: number, i: number, named: boolean): number {
    const n = this.countOf(h, named);
    return i >= 0 && i < n ? (named ? store.namedStart : store.childStart)[h]! + i : NO_NODE;
  }

  /** The first child under the field `name`, as Node.childForFieldName gives it. */
  childForField(h: number, name: string): number {
    const fieldId = this.fields.indexOf(name);
    if (fieldId === -1) return NO_NODE;
    this.marshal(h);
    this.rt._ts_node_child_by_field_id_wasm(this.tree, fieldId);
    const heap = this.rt.HEAP32;
    const t = this.transfer;
    if (heap[t] === 0) return NO_NODE;
    const c = this.allocate(1);
    store.words.set(heap.subarray(t, t + NODE_WORDS), c * NODE_WORDS);
    return c;
  }

  text(h: number): string {
    this.marshal(h);
    const end = this.rt._ts_node_end_index_wasm(this.tree) >>> 0;
    return this.source.slice(store.words[h * NODE_WORDS + 1]! >>> 0, end);
  }

  private marshal(h: number): void {
    const heap = this.rt.HEAP32;
    const t = this.transfer;
    const at = h * NODE_WORDS;
    const w = store.words;
    heap[t] = w[at]!;
    heap[t + 1] = w[at + 1]!;
    heap[t + 2] = w[at + 2]!;
    heap[t + 3] = w[at + 3]!;
    heap[t + 4] = w[at + 4]!;
  }

  private loadEnd(h: number): void {
    if (store.endRows[h]! >= 0) return;
    this.marshal(h);
    this.rt._ts_node_end_point_wasm(this.tree);
    const heap = this.rt.HEAP32;
    store.endRows[h] = heap[this.transfer]!;
    store.endColumns[h] = heap[this.transfer + 1]!;
  }

  private loadChildren(h: number, named: boolean): void {
    if ((named ? store.namedCount[h]! : store.childCount[h]!) >= 0) return;
    this.marshal(h);
    if (named) this.rt._ts_node_named_children_wasm(this.tree);
    else this.rt._ts_node_children_wasm(this.tree);
    const heap = this.rt.HEAP32;
    const n = heap[this.transfer]!;
    const buffer = heap[this.transfer + 1]! >>> 0;
    const first = n > 0 ? this.allocate(n) : this.count;
    if (n > 0) {
      // allocate() touches no wasm memory, so `heap` is still the runtime's view.
      store.words.set(heap.subarray(buffer >>> 2, (buffer >>> 2) + n * NODE_WORDS), first * NODE_WORDS);
      this.rt._free(buffer);
    }
    if (named) {
      store.namedStart[h] = first;
      store.namedCount[h] = n;
    } else {
      store.childStart[h] = first;
      store.childCount[h] = n;
    }
  }

  /** `n` new handles, their memos unset. */
  private allocate(n: number): number {
    const first = this.count;
    const need = first + n;
    if (need > store.typeIds.length) {
      const size = Math.max(need, store.typeIds.length * 2);
      store.words = grown(store.words, new Int32Array(size * NODE_WORDS));
      store.typeIds = grown(store.typeIds, new Int32Array(size));
      store.endRows = grown(store.endRows, new Int32Array(size));
      store.endColumns = grown(store.endColumns, new Int32Array(size));
      store.childStart = grown(store.childStart, new Int32Array(size));
      store.childCount = grown(store.childCount, new Int32Array(size));
      store.namedStart = grown(store.namedStart, new Int32Array(size));
      store.namedCount = grown(store.namedCount, new Int32Array(size));
    }
    store.typeIds.fill(-1, first, need);
    store.endRows.fill(-1, first, need);
    store.childCount.fill(-1, first, need);
    store.namedCount.fill(-1, first, need);
    this.count = need;
    return first;
  }
}

/**
 * The same answers through web-tree-sitter's Node API: the fallback where the runtime cannot be
 * read directly, and what SyntaxNodes is tested against.
 */
export class NodeObjects implements NodeReader {
  private readonly nodes: Node[] = [];
  private readonly children = new Map<number, number[]>();
  private readonly named = new Map<number, number[]>();

  adopt(node: Node): number {
    this.nodes.push(node);
    return this.nodes.length - 1;
  }

  private listOf(h: number, named: boolean): number[] {
    const memo = named ? this.named : this.children;
    let list = memo.get(h);
    if (!list) {
      const node = this.nodes[h]!;
      list = [];
      for (let i = 0, n = named ? node.namedChildCount : node.childCount; i < n; i++) {
        const c = named ? node.namedChild(i) : node.child(i);
        if (c) list.push(this.adopt(c));
      }
      memo.set(h, list);
    }
    return list;
  }

  type(h: number): string {
    return this.nodes[h]!.type;
  }
  startRow(h: number): number {
    return this.nodes[h]!.startPosition.row;
  }
  endPointRow(h: number): number {
    return this.nodes[h]!.endPosition.row;
  }
  endPointColumn(h: number): number {
    return this.nodes[h]!.endPosition.column;
  }
  childCountOf(h: number): number {
    return this.listOf(h, false).length;
  }
  child(h: number, i: number): number {
    return this.listOf(h, false)[i] ?? NO_NODE;
  }
  namedChildCountOf(h: number): number {
    return this.listOf(h, true).length;
  }
  namedChild(h: number, i: number): number {
    return this.listOf(h, true)[i] ?? NO_NODE;
  }
  childForField(h: number, name: string): number {
    const c = this.nodes[h]!.childForFieldName(name);
    return c ? this.adopt(c) : NO_NODE;
  }
  text(h: number): string {
    return this.nodes[h]!.text;
  }
}
