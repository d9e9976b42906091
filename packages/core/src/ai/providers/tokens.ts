// The rough token count used wherever real usage is unknown (the offline model, estimates for
// budgets and cut streams): a quarter of the characters, at least one per message.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** A message's text: a string, or the text parts of a content array. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string') text += (part as { text: string }).text;
  }
  return text;
}

export function countPromptTokens(messages: readonly ChatCompletionMessageParam[]): number {
  let total = 0;
  for (const message of messages) total += countTokens(messageText((message as { content?: unknown }).content));
  return total;
}

export function lastUserMessage(messages: readonly ChatCompletionMessageParam[]): string {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role === 'user') return messageText(message.content);
  }
  return '';
}
