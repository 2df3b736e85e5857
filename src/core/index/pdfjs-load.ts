// Loads pdf.js once per thread: from dist/pdfjs/ in the shipped bundles (esbuild.mjs copies its
// legacy Node build there), from node_modules when running from sources. pdf.js is an ES module
// loaded at run time, never bundled into the CommonJS bundles. Its own worker is not used: the
// worker module is handed to it directly, so the parse worker is the one thread reading a PDF.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let loading: Promise<PdfJs> | undefined;

/** Runtime import that bundlers leave alone (they would turn it into a require of an ES module). */
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

function pdfjsFile(name: string): string {
  const bundled = join(__dirname, 'pdfjs', name);
  if (existsSync(bundled)) return bundled;
  // (Built at run time so bundlers do not try to resolve it: the bundles use dist/pdfjs.)
  return require.resolve(['pdfjs-dist', 'legacy', 'build', name].join('/'));
}

export function loadPdfJs(): Promise<PdfJs> {
  loading ??= (async () => {
    installDomMatrix();
    // pdf.js reports what it cannot polyfill for rendering (a canvas package) with console.log,
    // which in a CLI would land in --json output. Text extraction needs none of it.
    const { log, warn } = console;
    console.log = console.warn = () => undefined;
    try {
      const worker = await importModule(pathToFileURL(pdfjsFile('pdf.worker.min.mjs')).href);
      // pdf.js runs its "worker" on this thread when it finds the module here.
      (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
      return (await importModule(pathToFileURL(pdfjsFile('pdf.min.mjs')).href)) as PdfJs;
    } finally {
      console.log = log;
      console.warn = warn;
    }
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

/**
 * pdf.js builds a DOMMatrix when its module loads (for rendering, which text extraction never
 * does). Node has none, and the canvas package that would supply one is not shipped, so a small
 * 2-D affine matrix stands in.
 */
function installDomMatrix(): void {
  const g = globalThis as { DOMMatrix?: unknown };
  if (g.DOMMatrix) return;
  class AffineMatrix {
    a = 1; b = 0; c = 0; d = 1; e = 0; f = 0;
    constructor(init?: readonly number[]) {
      if (init && init.length >= 6) [this.a, this.b, this.c, this.d, this.e, this.f] = init as [number, number, number, number, number, number];
    }
    multiplySelf(m: AffineMatrix): this {
      const { a, b, c, d, e, f } = this;
      this.a = a * m.a + c * m.b;
      this.b = b * m.a + d * m.b;
      this.c = a * m.c + c * m.d;
      this.d = b * m.c + d * m.d;
      this.e = a * m.e + c * m.f + e;
      this.f = b * m.e + d * m.f + f;
      return this;
    }
    preMultiplySelf(m: AffineMatrix): this {
      const copy = new AffineMatrix([m.a, m.b, m.c, m.d, m.e, m.f]).multiplySelf(this);
      Object.assign(this, { a: copy.a, b: copy.b, c: copy.c, d: copy.d, e: copy.e, f: copy.f });
      return this;
    }
    translateSelf(x = 0, y = 0): this {
      return this.multiplySelf(new AffineMatrix([1, 0, 0, 1, x, y]));
    }
    scaleSelf(x = 1, y = x): this {
      return this.multiplySelf(new AffineMatrix([x, 0, 0, y, 0, 0]));
    }
    invertSelf(): this {
      const { a, b, c, d, e, f } = this;
      const det = a * d - b * c;
      Object.assign(this, { a: d / det, b: -b / det, c: -c / det, d: a / det, e: (c * f - d * e) / det, f: (b * e - a * f) / det });
      return this;
    }
  }
  g.DOMMatrix = AffineMatrix;
}
