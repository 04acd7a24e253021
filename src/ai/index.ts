/**
 * AI legal analysis: clause extraction, playbook review, summaries and grounded Q&A, answered by
 * the built-in local analyzer or a configured model provider, behind the prompt-injection guard.
 * The module's public face: other modules import from here, never from its files.
 */
export { AI_ERRORS } from './ai.errors.ts';
export { aiRoutes } from './ai.routes.ts';
export { aiToolRoutes } from './ai-tools.routes.ts';
