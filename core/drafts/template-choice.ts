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

export interface LocalizedChoice {
  /** The template to render, e.g. `replies/de/complaint`. */
  name: string;
  language: string;
  /** Set when the customer's language has no such template and the default language stands in. */
  note: string | null;
}

/** English templates sit at the top of their folder; other languages one folder down. */
export function templateNameFor(base: string, language: string): string {
  if (language === 'en') return base;
  const [kind, ...rest] = base.split('/');
  return `${kind}/${language}/${rest.join('/')}`;
}

/**
 * The customer's language version of a template (`replies/complaint`), else the team's default language,
 * else the shipped English one, with a note saying so whenever it is not the customer's language.
 */
export function chooseLanguageTemplate(base: string, language: string, defaultLanguage: string, available: ReadonlySet<string>, nameOf: (code: string) => string): LocalizedChoice {
  for (const code of [...new Set([language, defaultLanguage, 'en'])]) {
    const name = templateNameFor(base, code);
    if (!available.has(name)) continue;
    const note = code === language ? null : `No ${nameOf(language)} template for '${base.split('/').pop()}': drafted in ${nameOf(code)}`;
    return { name, language: code, note };
  }
  return { name: base, language: 'en', note: null };
}

/** A reply template's language and its name without the folders: `replies/de/complaint` is German 'complaint'. */
export function templateLanguage(name: string): { language: string; base: string } {
  const [, second, third] = name.split('/');
  return third === undefined ? { language: 'en', base: second ?? name } : { language: second ?? 'en', base: third };
}
