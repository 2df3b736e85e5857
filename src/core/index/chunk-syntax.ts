// Syntax-shaped chunks from a tree-sitter tree. A definition (function, method, class, ...)
// that fits the budget is one unit; one that does not is split along its children, recursively,
// and its members are named `Outer.inner`. Units are packed greedily in file order; comments and
// blank lines between units go with the unit that follows them (a doc comment stays with its
// function), and a class's header lines go with its first members.
import { chunkLineRange, spec, type LineCosts } from './chunk-lines';
import type { ChunkSpec } from './chunk-types';
import { NO_NODE, type NodeReader } from './syntax-nodes';

interface Unit {
  start: number; // 0-based rows, inclusive
  end: number;
  symbol?: string;
  names: string[];
  isDef: boolean;
}

const DEF_TYPE =
  /^(?:(?:abstract_)?class|interface|enum|struct|union|trait|impl|mod|namespace|module|object|protocol|type_alias|function|function_signature|method|constructor|record|type|singleton_method|extension|companion_object|macro)_(?:declaration|definition|item|specifier|spec)$|^(?:class|module|method|singleton_method|function|type_spec|function_definition|method_definition)$/;

const NAME_NODE = /identifier$|^(?:name|constant|word|simple_identifier|type_identifier|property_identifier)$/;
const MAX_NAMES = 64;
/**
 * How deep the walk splits oversized nodes. Below this a node is cut by lines: generated code can
 * nest tens of thousands deep (a 40,000-member union type is one left-nested chain), and the
 * walk recursing along it ran out of stack (the whole build failed on that one file).
 */
export const MAX_SPLIT_DEPTH = 256;
const WRAPPERS = new Set(['decorated_definition', 'export_statement', 'template_declaration']);

// What the chunker tests of a node type, once per type string (the patterns ran per node visit).
const IS_DEF = 1;
const IS_NAME_NODE = 2;
const IS_FUNCTION_LIKE = 4;
const IS_CONTAINER_PART = 8;
const IS_WRAPPER = 16;
const IS_IDENTIFIER_END = 32;
const HAS_IDENTIFIER = 64;
const FUNCTION_LIKE = /function|method|constructor|arrow|lambda|closure/;
const CONTAINER_PART = /body|block|declaration_list|member|field_declaration_list|statement/;
const typeFlags = new Map<string, number>();

function flagsOf(type: string): number {
  let f = typeFlags.get(type);
  if (f === undefined) {
    f =
      (DEF_TYPE.test(type) ? IS_DEF : 0) |
      (NAME_NODE.test(type) ? IS_NAME_NODE : 0) |
      (FUNCTION_LIKE.test(type) ? IS_FUNCTION_LIKE : 0) |
      (CONTAINER_PART.test(type) ? IS_CONTAINER_PART : 0) |
      (WRAPPERS.has(type) ? IS_WRAPPER : 0) |
      (/identifier$/.test(type) ? IS_IDENTIFIER_END : 0) |
      (type.includes('identifier') ? HAS_IDENTIFIER : 0);
    typeFlags.set(type, f);
  }
  return f;
}

/** The name of a definition node, or undefined when the node does not define a named thing. */
function definitionName(t: NodeReader, node: number): string | undefined {
  const type = t.type(node);
  const flags = flagsOf(type);
  if (flags & IS_WRAPPER) {
    const inner = wrapped(t, node);
    return inner !== NO_NODE ? definitionName(t, inner) : undefined;
  }
  if (type === 'lexical_declaration' || type === 'variable_declaration') {
    // `const handler = () => ...` / `const Widget = class ...` name a function or class.
    if (t.namedChildCountOf(node) !== 1) return undefined;
    const d = t.namedChild(node, 0);
    const value = d === NO_NODE ? NO_NODE : t.childForField(d, 'value');
    if (d === NO_NODE || value === NO_NODE || !/function|arrow_function|class/.test(t.type(value))) return undefined;
    const name = t.childForField(d, 'name');
    return name === NO_NODE ? undefined : t.text(name);
  }
  if (type === 'type_declaration') {
    const specNode = t.namedChild(node, 0);
    if (specNode === NO_NODE || t.type(specNode) !== 'type_spec') return undefined;
    const name = t.childForField(specNode, 'name');
    return name === NO_NODE ? undefined : t.text(name);
  }
  if (!(flags & IS_DEF)) return undefined;
  // Rust's `impl Type` names its type; elsewhere a `type` field is a return type, not a name.
  let name = t.childForField(node, 'name');
  if (name === NO_NODE && type === 'impl_item') name = t.childForField(node, 'type');
  if (name !== NO_NODE) {
    const nameFlags = flagsOf(t.type(name));
    return nameFlags & (HAS_IDENTIFIER | IS_NAME_NODE) || t.namedChildCountOf(name) === 0 ? t.text(name) : t.text(name).split(/[<(\s]/)[0];
  }
  const declarator = t.childForField(node, 'declarator');
  if (declarator !== NO_NODE) return declaratorName(t, declarator);
  // Kotlin and a few others put the name as an unlabelled child.
  for (let i = 0, n = t.namedChildCountOf(node); i < n; i++) {
    const c = t.namedChild(node, i);
    if (flagsOf(t.type(c)) & IS_NAME_NODE) return t.text(c);
  }
  return undefined;
}

/** What a wrapper (export, decorator, template) wraps, if anything. */
function wrapped(t: NodeReader, node: number): number {
  let inner = t.childForField(node, 'definition');
  if (inner === NO_NODE) inner = t.childForField(node, 'declaration');
  if (inner === NO_NODE) inner = lastNamedChild(t, node);
  return inner;
}

/** The definition inside any wrappers: its members are the wrapper's, named once (`A.m`, not `A.A.m`). */
function unwrap(t: NodeReader, node: number): number {
  let n = node;
  while (flagsOf(t.type(n)) & IS_WRAPPER) {
    const inner = wrapped(t, n);
    if (inner === NO_NODE) break;
    n = inner;
  }
  return n;
}

function lastNamedChild(t: NodeReader, node: number): number {
  const n = t.namedChildCountOf(node);
  return n ? t.namedChild(node, n - 1) : NO_NODE;
}

/** C/C++: `int *f(int)` hides the name under nested declarators. */
function declaratorName(t: NodeReader, node: number): string | undefined {
  let n = node;
  for (let depth = 0; n !== NO_NODE && depth < 8; depth++) {
    const type = t.type(n);
    if (flagsOf(type) & IS_IDENTIFIER_END || type === 'operator_name' || type === 'destructor_name') return t.text(n);
    let next = t.childForField(n, 'declarator');
    if (next === NO_NODE) next = t.childForField(n, 'name');
    if (next === NO_NODE) next = t.namedChild(n, 0);
    n = next;
  }
  return undefined;
}

function endRow(t: NodeReader, node: number): number {
  const row = t.endPointRow(node);
  return t.endPointColumn(node) === 0 && row > t.startRow(node) ? row - 1 : row;
}

/**
 * Qualified names of the definitions a chunk-sized node holds: members of classes, modules and
 * the like, found through their bodies only. Function bodies are not searched (a helper inside a
 * function is not something a reader looks up), which keeps this walk short on big files.
 */
function nestedNames(t: NodeReader, node: number, prefix: string, out: string[], depth: number): void {
  if (depth > 3 || out.length >= MAX_NAMES) return;
  for (let i = 0, n = t.namedChildCountOf(node); i < n; i++) {
    const c = t.namedChild(node, i);
    const name = definitionName(t, c);
    if (name) {
      const q = prefix + name;
      out.push(q);
      const definition = unwrap(t, c);
      if (!(flagsOf(t.type(definition)) & IS_FUNCTION_LIKE)) nestedNames(t, definition, q + '.', out, depth + 1);
    } else if (flagsOf(t.type(c)) & IS_CONTAINER_PART && t.endPointRow(c) > t.startRow(c)) nestedNames(t, c, prefix, out, depth + 1);
    if (out.length >= MAX_NAMES) return;
  }
}

/** `t` reads the tree whose root is `root`; `costs`: the file's lines (the chunker never needs their text). */
export function chunkSyntaxTree(t: NodeReader, root: number, costs: LineCosts, budget: number): ChunkSpec[] {
  if (costs.count === 0) return [];
  const units: Unit[] = [];

  const addUnit = (u: Unit) => {
    const last = units[units.length - 1];
    if (last && u.start <= last.end) {
      // Two nodes share a line (`a = 1; b = 2`, a closing brace): keep them in one unit.
      if (u.end > last.end) last.end = u.end;
      last.names.push(...u.names);
      if (!last.symbol) last.symbol = u.symbol;
      last.isDef ||= u.isDef;
      return;
    }
    units.push(u);
  };

  const visit = (node: number, container: string, depth: number) => {
    const start = t.startRow(node);
    const end = endRow(t, node);
    const name = definitionName(t, node);
    const qualified = name ? (container ? `${container}.${name}` : name) : undefined;
    if (costs.tokens(start, end) <= budget || t.childCountOf(node) === 0 || depth >= MAX_SPLIT_DEPTH) {
      if (costs.tokens(start, end) > budget) {
        // A leaf too big to keep whole (a huge string or comment), or a node nested too deep to
        // split further: cut it by lines.
        for (const s of chunkLineRange(costs, start, end, budget, 0, qualified ?? (container || undefined)))
          addUnit({ start: s.startLine - 1, end: s.endLine - 1, symbol: s.symbol, names: [], isDef: false });
        return;
      }
      const names: string[] = [];
      if (qualified) {
        names.push(qualified);
        nestedNames(t, unwrap(t, node), qualified + '.', names, 0);
      } else if (end > start) nestedNames(t, node, container ? container + '.' : '', names, 0);
      addUnit({ start, end, symbol: qualified ?? (container || undefined), names, isDef: !!qualified });
      return;
    }
    // A wrapper (export, decorator, template) names what it wraps; do not qualify twice.
    const inner = flagsOf(t.type(node)) & IS_WRAPPER ? container : qualified ?? container;
    for (let i = 0, n = t.childCountOf(node); i < n; i++) visit(t.child(node, i), inner, depth + 1);
  };

  for (let i = 0, n = t.childCountOf(root); i < n; i++) visit(t.child(root, i), '', 0);

  const out: ChunkSpec[] = [];
  let chunkStart = 0;
  let group: Unit[] = [];
  const flush = (end: number) => {
    if (end < chunkStart) return;
    // The first named thing in the chunk: a class header's chunk is the class, not its first method.
    const symbol = group.find((u) => u.symbol)?.symbol;
    out.push(spec(costs, chunkStart, end, symbol, group.flatMap((u) => u.names).slice(0, MAX_NAMES)));
    chunkStart = end + 1;
    group = [];
  };
  for (const u of units) {
    if (u.end < chunkStart) continue;
    if (group.length && costs.tokens(chunkStart, u.end) > budget) flush(group[group.length - 1]!.end);
    group.push(u);
  }
  flush(costs.count - 1);
  return out;
}
