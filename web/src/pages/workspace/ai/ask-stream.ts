/**
 * `ask` streamed over server-sent events. EventSource cannot POST (nor send the CSRF header), so
 * this is fetch with a ReadableStream reader: the same browser headers as every other call
 * (client.ts: the CSRF token echoed, cookies same-origin), one refresh-then-retry on a 401, and
 * the SSE framing read by hand. Events: `delta` (answer text), `citation` (a verified quote),
 * `reset` (the model's partial answer is void; a local answer follows), `done` (the whole answer).
 */
import { ApiError, browserHeaders, refreshSession, type Problem } from '../../../api/client.ts';
import type { AskResult, Citation } from './types.ts';

export type AskStreamHandlers = {
  onDelta: (text: string) => void;
  onCitation: (c: Citation) => void;
  onReset: () => void;
};

async function problemOf(res: Response): Promise<ApiError> {
  let problem: Problem = { status: res.status, code: `HTTP_${res.status}` };
  try {
    const body = (await res.json()) as Partial<Problem>;
    problem = { ...problem, ...body, status: res.status, code: body.code ?? problem.code };
  } catch {
    /* not JSON */
  }
  const retry = res.headers.get('retry-after');
  return new ApiError(problem, retry ? Number(retry) : null);
}

/** Splits the body into SSE events: blocks separated by a blank line, `event:` and `data:` lines. */
async function* events(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      for (let sep = buf.indexOf('\n\n'); sep >= 0; sep = buf.indexOf('\n\n')) {
        const block = buf.slice(0, sep);
        buf = buf.slice(sep + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
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

/** Asks and streams the answer into the handlers; resolves with the final answer (`done`). */
export async function askStreamed(
  body: { question: string; documentIds: string[] },
  handlers: AskStreamHandlers,
  signal?: AbortSignal,
  /** The firm vault's tool, or the judge portal's on case documents (`/api/v1/judicial/ai/ask`). */
  path = '/api/v1/ai/ask',
): Promise<AskResult> {
  const send = () =>
    fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { ...browserHeaders('POST'), 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal,
    });
  const startedAt = Date.now();
  let res = await send();
  if (res.status === 401 && (await refreshSession(startedAt))) res = await send();
  if (!res.ok || !res.body) throw await problemOf(res);
  for await (const ev of events(res.body)) {
    const data = JSON.parse(ev.data) as unknown;
    if (ev.event === 'delta') handlers.onDelta((data as { text: string }).text);
    else if (ev.event === 'citation') handlers.onCitation(data as Citation);
    else if (ev.event === 'reset') handlers.onReset();
    else if (ev.event === 'done') return data as AskResult;
  }
  throw new Error('The answer was cut off. Try again.');
}
