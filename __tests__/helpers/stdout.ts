/**
 * What code under test writes to stdout (where @actions/core and the action's log write),
 * kept for assertions and out of the test log.
 */

function startCapture(): { text(): string; restore(): void } {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = write;
    }
  };
}

/** What `body` wrote to stdout. */
export function stdoutOf(body: () => void): string {
  const capture = startCapture();
  try {
    body();
    return capture.text();
  } finally {
    capture.restore();
  }
}

/** `body`'s result and what it wrote to stdout while it ran. */
export async function withStdout<T>(body: () => Promise<T>): Promise<{ value: T; stdout: string }> {
  const capture = startCapture();
  try {
    const value = await body();
    return { value, stdout: capture.text() };
  } finally {
    capture.restore();
  }
}
