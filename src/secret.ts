import { inspect } from 'node:util';

/**
 * A value that must never reach a log, an error message or an API response. Every way a value
 * is usually turned into text (String(), JSON.stringify, util.inspect, template literals) yields
 * the redaction marker; only `reveal()` returns the value, and only code that sends it to a
 * directory should call it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
