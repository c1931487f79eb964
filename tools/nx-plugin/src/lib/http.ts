export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** GET with a timeout; JSON bodies parsed. Rejects only when nothing answers. */
export async function httpGet(url: string, timeoutMs: number): Promise<HttpAnswer> {
  const res = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: "application/json" },
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, text };
}

export function describeFetchError(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? err.cause.message : undefined;
    return cause ? `${err.message}: ${cause}` : err.message;
  }
  return String(err);
}
