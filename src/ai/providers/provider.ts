/**
 * The one small interface every model provider speaks. Implementations use plain `fetch` against
 * each provider's documented wire protocol (see anthropic.ts, openai-compatible.ts); timeouts,
 * retries and the circuit breaker live in resilience.ts, outside any one provider.
 */
export type ProviderName = 'anthropic' | 'openai-compatible';

export type CompletionRequest = {
  /** Server-side instructions, never shown to the user; carries the per-request canary. */
  system: string;
  /** The user turn: the question and the fenced, datamarked documents. */
  user: string;
  maxTokens: number;
  /** Structured output: the JSON schema the answer must follow. */
  json?: { name: string; schema: Record<string, unknown> };
};

export interface ModelProvider {
  readonly name: ProviderName;
  readonly model: string;
  /** The whole answer (for `json` requests, the JSON text). */
  complete(req: CompletionRequest, signal: AbortSignal): Promise<string>;
  /** The answer as it is generated, in text deltas. */
  stream(req: CompletionRequest, signal: AbortSignal): AsyncIterable<string>;
}

/** A provider call that failed in a way worth retrying (429, 5xx, network, timeout) or not. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** Reads a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Turns a non-2xx response into a ProviderError without ever reading its body into a message (it may echo the prompt). */
export function httpError(res: Response): ProviderError {
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  return new ProviderError(
    `provider answered ${res.status}`,
    retryable,
    res.status,
    retryAfterMs(res.headers.get('retry-after')),
  );
}

/** Splits a fetch body into Server-Sent Events (`data:` payloads with their `event:` names). */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncIterable<{ event: string; data: string }> {
  const decoder = new TextDecoder();
  let buf = '';
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let sep: number;
      while ((sep = buf.search(/\r?\n\r?\n/)) >= 0) {
        const block = buf.slice(0, sep);
        buf = buf.slice(sep).replace(/^\r?\n\r?\n/, '');
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split(/\r?\n/)) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length) yield { event, data: data.join('\n') };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError('provider sent malformed JSON', true);
  }
}
