import type { Draft, TypeDefaults } from './draft';

export interface StepProps {
  draft: Draft;
  set: (patch: Partial<Draft>) => void;
  /** Field errors by API field path (`servers[0]`, `bind.password`, `attributes.username`). */
  errors: Record<string, string>;
  editing: boolean;
  /** The attribute defaults of every type, from the server (GET /directory-types). */
  defaults: TypeDefaults;
}
