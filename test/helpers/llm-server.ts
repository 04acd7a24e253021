/**
 * A local HTTP server that speaks the wire protocols of the model providers Chambers calls —
 * Anthropic Messages (POST /v1/messages) and OpenAI Chat Completions (POST /v1/chat/completions) —
 * including SSE streaming and the faults a real one shows: 429 with Retry-After, 500, a hang,
 * malformed JSON, a stream cut off halfway. Tests script what each next call gets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Protocol = 'anthropic' | 'openai';

/** What the next call gets. `text` is the answer's text, or for structured calls the JSON object. */
export type Scripted =
  | { kind: 'answer'; text?: string; json?: unknown }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'stream'; chunks: string[]; cut?: boolean };

export type Received = {
  protocol: Protocol;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
};

export type LlmServer = {
  url: string;
  received: Received[];
  /** Queue answers; when the queue is empty, `fallback` answers. */
  script(...items: Scripted[]): void;
  fallback: (req: Received) => Scripted;
  close(): Promise<void>;
};

export async function startLlmServer(): Promise<LlmServer> {
  const queue: Scripted[] = [];
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server: LlmServer = {
    url: '',
    received,
    script: (...items) => queue.push(...items),
    fallback: () => ({ kind: 'answer', text: 'ok' }),
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((r) => http_.close(() => r()));
    },
  };
  const http_ = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const protocol: Protocol = req.url?.endsWith('/v1/messages') ? 'anthropic' : 'openai';
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const r: Received = { protocol, path: req.url ?? '', headers: req.headers, body };
      received.push(r);
      const item = queue.shift() ?? server.fallback(r);
      respond(protocol, body, item, res, hanging);
    });
  });
  await new Promise<void>((r) => http_.listen(0, '127.0.0.1', () => r()));
  server.url = `http://127.0.0.1:${(http_.address() as AddressInfo).port}`;
  return server;
}

function respond(
  protocol: Protocol,
  body: Record<string, unknown>,
  item: Scripted,
  res: http.ServerResponse,
  hanging: Set<http.ServerResponse>,
): void {
  if (item.kind === 'hang') {
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
    return;
  }
  if (item.kind === 'status') {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (item.retryAfter) headers['retry-after'] = item.retryAfter;
    res.writeHead(item.status, headers).end(JSON.stringify({ error: { type: 'error', message: 'scripted failure' } }));
    return;
  }
  if (item.kind === 'malformed') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"content": [ {"type": "text", "te');
    return;
  }
  if (item.kind === 'stream') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const write = (event: string | null, data: unknown) =>
      res.write(
        `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
      );
    if (protocol === 'anthropic') {
      write('message_start', { type: 'message_start', message: { id: 'msg_test', role: 'assistant', content: [] } });
      write('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      for (const c of item.chunks)
        write('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: c } });
      if (item.cut) return void setTimeout(() => res.destroy(), 50);
      write('content_block_stop', { type: 'content_block_stop', index: 0 });
      write('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' } });
      write('message_stop', { type: 'message_stop' });
    } else {
      for (const c of item.chunks)
        write(null, { id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: c } }] });
      if (item.cut) return void setTimeout(() => res.destroy(), 50);
      write(null, {
        id: 'c1',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
      });
      write(null, '[DONE]');
    }
    res.end();
    return;
  }
  const structured = protocol === 'anthropic' ? Array.isArray(body.tools) : Boolean(body.response_format);
  const text = structured ? JSON.stringify(item.json ?? {}) : (item.text ?? '');
  const payload =
    protocol === 'anthropic'
      ? {
          id: 'msg_test',
          type: 'message',
          role: 'assistant',
          model: body.model,
          content: structured
            ? [
                {
                  type: 'tool_use',
                  id: 'toolu_1',
                  name: (body.tools as Array<{ name: string }>)[0]?.name,
                  input: item.json ?? {},
                },
              ]
            : [{ type: 'text', text }],
          stop_reason: structured ? 'tool_use' : 'end_turn',
          usage: { input_tokens: 1, output_tokens: 1 },
        }
      : {
          id: 'chatcmpl-test',
          object: 'chat.completion',
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}
