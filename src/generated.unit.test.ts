import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles, root } from '../scripts/generated-files.js';

/**
 * The generated files (the panel's API types, the configuration reference) are committed; each must
 * be what `npm run generate` writes from today's definitions, so a changed route schema or
 * configuration key cannot leave the panel or the docs behind.
 */
describe('generated files', async () => {
  for (const f of await generatedFiles()) {
    it(`${f.path} is up to date`, () => {
      const committed = readFileSync(path.join(root, f.path), 'utf8');
      expect(committed === f.content, `${f.path} differs from what the definitions generate: run npm run generate`).toBe(true);
    });
  }
});
