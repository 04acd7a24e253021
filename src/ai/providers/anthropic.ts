/**
 * The Anthropic Messages API (POST /v1/messages), over plain fetch: structured output through a
 * forced tool call whose input_schema is the answer's JSON schema; streaming through its SSE
 * events (content_block_delta / text_delta, error, message_stop).
 */
import {
  httpError,
  parseJson,
  ProviderError,
  sseEvents,
  type CompletionRequest,
  type ModelProvider,
} from './provider.ts';

const VERSION = '2023-06-01';

type Content = { type: string; text?: string; input?: unknown };

export function anthropicProvider(opts: { baseUrl: string; apiKey: string; model: string }): ModelProvider {
  const endpoint = `${opts.baseUrl.replace(/\/+$/, '')}/v1/messages`;
  const post = async (body: Record<string, unknown>, signal: AbortSignal): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': opts.apiKey, 'anthropic-version': VERSION },
        body: JSON.stringify(body),
        signal,
      });
    } catch {
      throw new ProviderError(signal.aborted ? 'provider timed out' : 'provider unreachable', true);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw httpError(res);
    }
    return res;
  };
  const base = (req: CompletionRequest) => ({
    model: opts.model,
    max_tokens: req.maxTokens,
    system: req.system,
    messages: [{ role: 'user', content: req.user }],
  });

  return {
    name: 'anthropic',
    model: opts.model,
    async complete(req, signal) {
      const body: Record<string, unknown> = base(req);
      if (req.json) {
        body.tools = [{ name: req.json.name, description: 'Record the answer.', input_schema: req.json.schema }];
        body.tool_choice = { type: 'tool', name: req.json.name };
      }
      const res = await post(body, signal);
      const parsed = parseJson(await res.text()) as { content?: Content[] };
      const content = Array.isArray(parsed.content) ? parsed.content : [];
      if (req.json) {
        const call = content.find((c) => c.type === 'tool_use');
        if (!call || typeof call.input !== 'object' || call.input === null)
          throw new ProviderError('provider gave no structured answer', true);
        return JSON.stringify(call.input);
      }
      return content
        .filter((c) => c.type === 'text')
        .map((c) => c.text ?? '')
        .join('');
    },
    async *stream(req, signal) {
      const res = await post({ ...base(req), stream: true }, signal);
      if (!res.body) throw new ProviderError('provider sent no body', true);
      let stopped = false;
      for await (const ev of sseEvents(res.body)) {
        if (ev.event === 'error') throw new ProviderError('provider stream failed', true);
        if (ev.event === 'message_stop') {
          stopped = true;
          break;
        }
        if (ev.event !== 'content_block_delta') continue;
        const data = parseJson(ev.data) as { delta?: { type?: string; text?: string } };
        if (data.delta?.type === 'text_delta' && typeof data.delta.text === 'string') yield data.delta.text;
      }
      // A stream cut before message_stop is half an answer: the caller must not present it as whole.
      if (!stopped) throw new ProviderError('provider stream ended early', true);
    },
  };
}
