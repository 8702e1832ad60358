import { spawn } from 'node:child_process';

/** What a helper answers for `get`. `Username` `<token>` means `Secret` is an identity token. */
export interface HelperCredentials {
  Username: string;
  Secret: string;
}

/** A helper that did not answer as the protocol says: missing, failed, slow or garbled. */
export class CredentialHelperError extends Error {}

const TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 64 * 1024;
/** The protocol's answer for a server the helper has nothing for (docker-credential-helpers). */
const NOT_FOUND = /credentials not found/i;

/**
 * Runs `docker-credential-<name> get` with the server address on stdin, as the docker CLI does.
 * Answers undefined when the helper has nothing for that server. Its output is never put into an
 * error message whole: only a short failure line, which carries no secret.
 */
export function helperGet(
  name: string,
  serverAddress: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HelperCredentials | undefined> {
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: TIMEOUT_MS,
    });
    const out: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) out.push(chunk);
      else child.kill('SIGKILL');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.stdin.on('error', () => {});
    child.stdin.end(serverAddress);
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new CredentialHelperError(
          error.code === 'ENOENT' ? `${program} is not on PATH` : `${program}: ${error.code}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      const text = Buffer.concat(out).toString('utf8').trim();
      if (code === 0) {
        resolve(parseAnswer(program, text));
        return;
      }
      if (NOT_FOUND.test(text)) {
        resolve(undefined);
        return;
      }
      const reason = signal
        ? `ended by ${signal}${size > MAX_OUTPUT ? ' (too much output)' : ` (no answer within ${TIMEOUT_MS / 1000} s)`}`
        : `exited ${code}: ${text.split('\n')[0]?.slice(0, 120) ?? ''}`;
      reject(new CredentialHelperError(`${program} ${reason}`));
    });
  });
}

function parseAnswer(program: string, text: string): HelperCredentials {
  try {
    const answer: unknown = JSON.parse(text);
    if (
      typeof answer === 'object' &&
      answer !== null &&
      typeof (answer as HelperCredentials).Username === 'string' &&
      typeof (answer as HelperCredentials).Secret === 'string'
    ) {
      return answer as HelperCredentials;
    }
  } catch {}
  throw new CredentialHelperError(`${program} answered something other than its JSON credentials`);
}
