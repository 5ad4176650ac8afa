// Loading @hono/zod-openapi is what gives every zod schema its .openapi(), used below.
import '@hono/zod-openapi';
import type { z } from '@hono/zod-openapi';
import { bindInputSchema, storedInputSchema } from '../directories/input.js';

/*
 * The configured directories themselves (the file's and those created here) are src/directories;
 * this is the API's side of them: the input schema as OpenAPI documents it.
 */

/**
 * A directory as the API takes it (src/directories/input.ts says why it differs from the file's):
 * no `caFile`, and `bind.password` only as a plain string, write-only.
 */
export const directoryInputSchema = storedInputSchema
  .extend({
    bind: bindInputSchema
      .extend({
        password: bindInputSchema.shape.password.openapi({ description: 'Write-only. Required when creating; when updating, omit it to keep the stored one.' }),
      })
      .strict()
      .optional(),
  })
  .openapi('DirectoryInput');
export type DirectoryInput = z.infer<typeof directoryInputSchema>;
