/** Model providers: the interface, the two wire protocols, and the resilience around them. */
import type { Config } from '../../platform/config.ts';
import { anthropicProvider } from './anthropic.ts';
import { openAiCompatibleProvider } from './openai-compatible.ts';
import type { ModelProvider } from './provider.ts';

export { type CompletionRequest, type ModelProvider, ProviderError } from './provider.ts';
export { CircuitBreaker, withResilience, type RetryOptions } from './resilience.ts';
export { anthropicProvider } from './anthropic.ts';
export { openAiCompatibleProvider } from './openai-compatible.ts';

/** The configured provider, or null for the local analyzer alone (no provider, or one configured incompletely). */
export function providerFromConfig(ai: Config['ai']): ModelProvider | null {
  if (ai.provider === 'anthropic' && ai.apiKey)
    return anthropicProvider({
      baseUrl: ai.baseUrl ?? 'https://api.anthropic.com',
      apiKey: ai.apiKey,
      model: ai.model ?? 'claude-sonnet-4-5',
    });
  if (ai.provider === 'openai-compatible' && ai.baseUrl && ai.model)
    return openAiCompatibleProvider({ baseUrl: ai.baseUrl, apiKey: ai.apiKey, model: ai.model });
  return null;
}
