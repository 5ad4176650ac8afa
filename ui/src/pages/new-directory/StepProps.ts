import type { Draft } from './draft';

export interface StepProps {
  draft: Draft;
  set: (patch: Partial<Draft>) => void;
  /** Field errors by API field path (`servers[0]`, `bind.password`, `attributes.username`). */
  errors: Record<string, string>;
  editing: boolean;
}
