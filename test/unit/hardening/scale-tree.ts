// The generated workspace for the index-at-scale checks: N small TypeScript files, 100 per
// folder, three levels deep.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function generateTree(dir: string, n: number): void {
  for (let i = 0; i < n; i++) {
    const folder = join(dir, 'pkg', `m${Math.floor(i / 10_000)}`, `d${Math.floor(i / 100) % 100}`);
    if (i % 100 === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `file${i}.ts`),
      `// module ${i}\nexport function handler${i}(input: number): number {\n  return input * ${i % 97} + ${i};\n}\nexport const NAME_${i} = 'unit-${i}';\n`);
  }
}
