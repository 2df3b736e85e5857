// Syntax-shaped chunks from a tree-sitter tree. A definition (function, method, class, ...)
// that fits the budget is one unit; one that does not is split along its children, recursively,
// and its members are named `Outer.inner`. Units are packed greedily in file order; comments and
// blank lines between units go with the unit that follows them (a doc comment stays with its
// function), and a class's header lines go with its first members.
import type { Node } from 'web-tree-sitter';
import { chunkLineRange, spec, type LineCosts } from './chunk-lines';
import type { ChunkSpec } from './chunk-types';

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

/** The name of a definition node, or undefined when the node does not define a named thing. */
export function definitionName(node: Node): string | undefined {
  const t = node.type;
  if (WRAPPERS.has(t)) {
    const inner = wrapped(node);
    return inner ? definitionName(inner) : undefined;
  }
  if (t === 'lexical_declaration' || t === 'variable_declaration') {
    // `const handler = () => ...` / `const Widget = class ...` name a function or class.
    if (node.namedChildCount !== 1) return undefined;
    const d = node.namedChild(0);
    const value = d?.childForFieldName('value');
    if (!d || !value || !/function|arrow_function|class/.test(value.type)) return undefined;
    return d.childForFieldName('name')?.text;
  }
  if (t === 'type_declaration') {
    const specNode = node.namedChild(0);
    return specNode?.type === 'type_spec' ? specNode.childForFieldName('name')?.text : undefined;
  }
  if (!DEF_TYPE.test(t)) return undefined;
  // Rust's `impl Type` names its type; elsewhere a `type` field is a return type, not a name.
  const name = node.childForFieldName('name') ?? (t === 'impl_item' ? node.childForFieldName('type') : null);
  if (name) return name.type.includes('identifier') || NAME_NODE.test(name.type) || name.namedChildCount === 0 ? name.text : name.text.split(/[<(\s]/)[0];
  const declarator = node.childForFieldName('declarator');
  if (declarator) return declaratorName(declarator);
  // Kotlin and a few others put the name as an unlabelled child.
  for (let i = 0; i < node.namedChildCount; i++) {
    const c = node.namedChild(i);
    if (c && NAME_NODE.test(c.type)) return c.text;
  }
  return undefined;
}

/** What a wrapper (export, decorator, template) wraps, if anything. */
function wrapped(node: Node): Node | undefined {
  const inner = node.childForFieldName('definition') ?? node.childForFieldName('declaration') ?? lastNamedChild(node);
  return inner && inner !== node ? inner : undefined;
}

/** The definition inside any wrappers: its members are the wrapper's, named once (`A.m`, not `A.A.m`). */
function unwrap(node: Node): Node {
  let n = node;
  for (let inner = WRAPPERS.has(n.type) ? wrapped(n) : undefined; inner; inner = WRAPPERS.has(n.type) ? wrapped(n) : undefined) n = inner;
  return n;
}

function lastNamedChild(node: Node): Node | null {
  return node.namedChildCount ? node.namedChild(node.namedChildCount - 1) : null;
}

/** C/C++: `int *f(int)` hides the name under nested declarators. */
function declaratorName(node: Node): string | undefined {
  let n: Node | null = node;
  for (let depth = 0; n && depth < 8; depth++) {
    if (/identifier$/.test(n.type) || n.type === 'operator_name' || n.type === 'destructor_name') return n.text;
    n = n.childForFieldName('declarator') ?? n.childForFieldName('name') ?? n.namedChild(0);
  }
  return undefined;
}

function endRow(node: Node): number {
  const e = node.endPosition;
  const s = node.startPosition;
  return e.column === 0 && e.row > s.row ? e.row - 1 : e.row;
}

const FUNCTION_LIKE = /function|method|constructor|arrow|lambda|closure/;
const CONTAINER_PART = /body|block|declaration_list|member|field_declaration_list|statement/;

/**
 * Qualified names of the definitions a chunk-sized node holds: members of classes, modules and
 * the like, found through their bodies only. Function bodies are not searched (a helper inside a
 * function is not something a reader looks up), which keeps this walk short on big files.
 */
function nestedNames(node: Node, prefix: string, out: string[], depth: number): void {
  if (depth > 3 || out.length >= MAX_NAMES) return;
  for (let i = 0; i < node.namedChildCount; i++) {
    const c = node.namedChild(i);
    if (!c) continue;
    const name = definitionName(c);
    if (name) {
      const q = prefix + name;
      out.push(q);
      const definition = unwrap(c);
      if (!FUNCTION_LIKE.test(definition.type)) nestedNames(definition, q + '.', out, depth + 1);
    } else if (CONTAINER_PART.test(c.type) && c.endPosition.row > c.startPosition.row) nestedNames(c, prefix, out, depth + 1);
    if (out.length >= MAX_NAMES) return;
  }
}

/** `costs` and `count`: the file's lines (LineCosts.ofLineStarts; the chunker never needs their text). */
export function chunkSyntaxTree(root: Node, costs: LineCosts, count: number, budget: number): ChunkSpec[] {
  if (count === 0) return [];
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

  const visit = (node: Node, container: string, depth: number) => {
    const start = node.startPosition.row;
    const end = endRow(node);
    const name = definitionName(node);
    const qualified = name ? (container ? `${container}.${name}` : name) : undefined;
    if (costs.tokens(start, end) <= budget || node.childCount === 0 || depth >= MAX_SPLIT_DEPTH) {
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
        nestedNames(unwrap(node), qualified + '.', names, 0);
      } else if (end > start) nestedNames(node, container ? container + '.' : '', names, 0);
      addUnit({ start, end, symbol: qualified ?? (container || undefined), names, isDef: !!qualified });
      return;
    }
    // A wrapper (export, decorator, template) names what it wraps; do not qualify twice.
    const inner = WRAPPERS.has(node.type) ? container : qualified ?? container;
    for (let i = 0; i < node.childCount; i++) {
      const c = node.child(i);
      if (c) visit(c, inner, depth + 1);
    }
  };

  for (let i = 0; i < root.childCount; i++) {
    const c = root.child(i);
    if (c) visit(c, '', 0);
  }

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
  flush(count - 1);
  return out;
}
