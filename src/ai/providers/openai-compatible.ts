/**
 * Any OpenAI-compatible Chat Completions server (OpenAI, Azure, vLLM, Ollama, LiteLLM), over plain
 * fetch: POST {base}/chat/completions; structured output through response_format json_schema;
 * streaming through `data:` chunks ending in `data: [DONE]`.
 */
import {
  httpError,
  parseJson,
  ProviderError,
  sseEvents,
  type CompletionRequest,
  type ModelProvider,
} from './provider.ts';

type Choice = {
  message?: { content?: string | null };
  delta?: { content?: string | null };
  finish_reason?: string | null;
};

export function openAiCompatibleProvider(opts: {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
}): ModelProvider {
  const endpoint = `${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const post = async (body: Record<string, unknown>, signal: AbortSignal): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
        },
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
    messages: [
      { role: 'system', content: req.system },
      { role: 'user', content: req.user },
    ],
  });

  return {
    name: 'openai-compatible',
    model: opts.model,
    async complete(req, signal) {
      const body: Record<string, unknown> = base(req);
      if (req.json)
        body.response_format = { type: 'json_schema', json_schema: { name: req.json.name, schema: req.json.schema } };
      const res = await post(body, signal);
      const parsed = parseJson(await res.text()) as { choices?: Choice[] };
      const content = parsed.choices?.[0]?.message?.content;
      if (typeof content !== 'string') throw new ProviderError('provider gave no answer', true);
      return content;
    },
    async *stream(req, signal) {
      const res = await post({ ...base(req), stream: true }, signal);
      if (!res.body) throw new ProviderError('provider sent no body', true);
      let done = false;
      for await (const ev of sseEvents(res.body)) {
        if (ev.data.trim() === '[DONE]') {
          done = true;
          break;
        }
        const chunk = parseJson(ev.data) as { choices?: Choice[]; error?: unknown };
        if (chunk.error) throw new ProviderError('provider stream failed', true);
        const choice = chunk.choices?.[0];
        if (typeof choice?.delta?.content === 'string') yield choice.delta.content;
        if (choice?.finish_reason) done = true;
      }
      if (!done) throw new ProviderError('provider stream ended early', true);
    },
  };
}
