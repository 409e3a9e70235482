/** Which shipped reply template fits a conversation: a pure rule, so it is easy to read and test. */
export type ReplyTemplate = 'complaint' | 'feature-idea' | 'thanks' | 'first-reply' | 'returning-customer';

export interface ConversationFacts {
  intent: 'complaint' | 'feature-request' | 'thanks' | 'question' | 'other';
  /** Earlier conversations with this customer, not counting this one. */
  earlierConversations: number;
}

export function chooseReplyTemplate(f: ConversationFacts): ReplyTemplate {
  if (f.intent === 'complaint') return 'complaint';
  if (f.intent === 'feature-request') return 'feature-idea';
  if (f.intent === 'thanks') return 'thanks';
  return f.earlierConversations === 0 ? 'first-reply' : 'returning-customer';
}
