import { describe, expect, it } from 'vitest';
import { languageName } from '../../core/drafts/language.ts';
import { chooseLanguageTemplate } from '../../core/drafts/template-choice.ts';

const SHIPPED = new Set(['replies/complaint', 'replies/thanks', 'replies/de/complaint', 'replies/fr/complaint']);
const choose = (language: string, base = 'replies/complaint', defaultLanguage = 'en') => chooseLanguageTemplate(base, language, defaultLanguage, SHIPPED, languageName);

describe('which language a reply template is drafted in', () => {
  it('uses the customer’s language when it has the template', () => {
    expect(choose('de')).toEqual({ name: 'replies/de/complaint', language: 'de', note: null });
    expect(choose('en')).toEqual({ name: 'replies/complaint', language: 'en', note: null });
  });

  it('falls back to the default language with a note', () => {
    expect(choose('nl')).toEqual({ name: 'replies/complaint', language: 'en', note: "No Dutch template for 'complaint': drafted in English" });
    expect(choose('de', 'replies/thanks')).toEqual({ name: 'replies/thanks', language: 'en', note: "No German template for 'thanks': drafted in English" });
  });

  it('falls back to a team default other than English, then to English', () => {
    expect(choose('nl', 'replies/complaint', 'fr')).toEqual({ name: 'replies/fr/complaint', language: 'fr', note: "No Dutch template for 'complaint': drafted in French" });
    expect(choose('es', 'replies/thanks', 'fr').name).toBe('replies/thanks');
  });
});
