// `ai.chat`: one routed chat completion as a workflow step, through the tenant's AI pipeline (its
// routes, budgets, policies, cache and cost records). The step acts as the system principal, like
// every other step; policies can still deny `ai:use` on a model for it.
import { z } from 'zod';
import { AuterityError } from '../../errors.js';
import type { ChatRequest, RoutedCompletion } from '../../ai/types.js';
import { defineAction, type Action } from './types.js';

/** What the action needs from the AI domain (wired in engine.ts). */
export interface AiChatDeps {
  chat(tenantId: string, request: ChatRequest, options: { signal: AbortSignal; userId?: string }): Promise<RoutedCompletion>;
}

const messageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(1_000_000),
});

export const aiChatInputSchema = z
  .strictObject({
    /** A route id, a catalog model id or `assistant:<id>`. Default: the engine's default route. */
    model: z.string().min(1).max(200).optional(),
    /** A single user message (shorthand for `messages: [{ role: 'user', content }]`). */
    prompt: z.string().min(1).max(1_000_000).optional(),
    messages: z.array(messageSchema).min(1).max(1_000).optional(),
    /** A system message put first. */
    system: z.string().min(1).max(100_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().max(1_000_000).optional(),
    /** Ask for a JSON object and parse it into `json`; a reply that is not JSON fails the step. */
    json: z.boolean().optional(),
    /** Sticky experiment assignment and per-user records. */
    userId: z.string().min(1).max(200).optional(),
  })
  .refine((input) => input.prompt !== undefined || input.messages !== undefined, { message: 'expected "prompt" or "messages"', path: ['prompt'] });

export const aiChatOutputSchema = z.strictObject({
  content: z.string(),
  json: z.unknown().optional(),
  model: z.string(),
  callId: z.string(),
  usage: z.strictObject({ promptTokens: z.number(), completionTokens: z.number() }),
  costUsd: z.number(),
  cached: z.boolean(),
});

export type AiChatInput = z.output<typeof aiChatInputSchema>;
export type AiChatOutput = z.output<typeof aiChatOutputSchema>;

export function aiChatAction(deps: AiChatDeps, defaultRoute: string): Action<AiChatInput, AiChatOutput> {
  return defineAction({
    name: 'ai.chat',
    input: aiChatInputSchema,
    output: aiChatOutputSchema,
    async run(ctx) {
      const input = ctx.input;
      const messages: ChatRequest['messages'] = [
        ...(input.system ? [{ role: 'system' as const, content: input.system }] : []),
        ...(input.messages ?? []),
        ...(input.prompt !== undefined ? [{ role: 'user' as const, content: input.prompt }] : []),
      ];
      const request: ChatRequest = {
        model: input.model ?? defaultRoute,
        messages,
        ...(input.temperature !== undefined && { temperature: input.temperature }),
        ...(input.maxTokens !== undefined && { max_completion_tokens: input.maxTokens }),
        ...(input.json && { response_format: { type: 'json_object' as const } }),
      };
      const completion = await deps.chat(ctx.tenant.id, request, { signal: ctx.signal, ...(input.userId !== undefined && { userId: input.userId }) });
      const content = completion.choices[0]?.message.content ?? '';
      let json: unknown;
      if (input.json) {
        try {
          json = JSON.parse(content);
        } catch {
          throw new AuterityError('upstream_error', `step "${ctx.stepId}": model ${completion.auterity.model} did not answer with JSON`, { details: { callId: completion.auterity.callId } });
        }
      }
      return {
        content,
        ...(input.json && { json }),
        model: completion.auterity.model,
        callId: completion.auterity.callId,
        usage: completion.auterity.usage,
        costUsd: completion.auterity.costUsd,
        cached: completion.auterity.cached,
      };
    },
  });
}
