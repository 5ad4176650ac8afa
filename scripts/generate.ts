/**
 * `npm run generate`: writes the generated files (scripts/generated-files.ts) from the definitions
 * they are generated from. src/generated.unit.test.ts fails while a committed one is out of date.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedFiles, root } from './generated-files.js';

for (const f of await generatedFiles()) {
  writeFileSync(path.join(root, f.path), f.content);
  console.log(`wrote ${f.path}`);
}
