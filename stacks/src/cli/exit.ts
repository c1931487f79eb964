/**
 * Exits once stdout and stderr have handed everything to the OS: writes to a pipe are asynchronous,
 * and an immediate process.exit cut `state pull`'s ~220 kB of JSON short when stdout was a pipe.
 * Polls the streams' buffered length (a 'drain' event only follows a write that returned false).
 */
export async function exitAfterFlush(code: number, timeoutMs = 10_000): Promise<never> {
  const deadline = Date.now() + timeoutMs;
  while ((process.stdout.writableLength > 0 || process.stderr.writableLength > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  process.exit(code);
}
