import { IdsyncError } from '../errors.js';

/** Reads all of standard input (a pipe or a file), without its final newline. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text.replace(/\r?\n$/, '');
}

/** Prompts on the terminal without echoing what is typed. */
export function promptHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          done();
          return resolve(value);
        }
        if (ch === '\u0003') {
          done();
          return reject(new IdsyncError('USAGE', 'cancelled'));
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    };
    input.on('data', onData);
  });
}

/**
 * A secret for a command, never from its arguments (they show in `ps` and the shell history): from
 * the environment variable named by `fromEnv`, else standard input (a pipe or a file), else asked
 * twice on a terminal without echo.
 */
export async function readSecret(what: string, fromEnv?: string): Promise<string> {
  if (fromEnv !== undefined) {
    const value = process.env[fromEnv];
    if (value === undefined) throw new IdsyncError('USAGE', `--from-env ${fromEnv}: the environment has no variable of that name`);
    return value;
  }
  if (!process.stdin.isTTY) return readAll(process.stdin);
  const first = await promptHidden(`${what}: `);
  const again = await promptHidden(`Repeat the ${what.toLowerCase()}: `);
  if (first !== again) throw new IdsyncError('USAGE', `the ${what.toLowerCase()}s differ`);
  return first;
}
