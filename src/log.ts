import pino, { type Logger } from 'pino';

/**
 * Structured logs go to stderr so that stdout stays the command's answer (JSON for `export`).
 * Secrets are Secret objects and print as [redacted]; the redact paths are a second line of
 * defence for anything shaped like a credential.
 */
export function createLogger(level = 'info'): Logger {
  return pino(
    {
      level,
      redact: { paths: ['password', '*.password', 'bind.password', '*.bind.password', 'token', '*.token'], censor: '[redacted]' },
      base: undefined,
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

export type { Logger };
