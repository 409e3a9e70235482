import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { LonghandError } from '../errors.ts';
import { projectPath } from '../project-root.ts';
import { MONTHS } from './dates-in-words.ts';
import { findSlots } from './slots.ts';

export const SHIPPED_TEMPLATES_DIR = projectPath('templates');

export class TemplateError extends LonghandError {
  constructor(
    readonly template: string,
    message: string,
    readonly line: number | null,
  ) {
    super('template_error', `Template ${template}${line ? ` line ${line}` : ''}: ${message}`, { template, line });
  }
}

export interface RenderedTemplate {
  body: string;
  slots: string[];
}

export interface TemplateSource {
  name: string;
  body: string;
  overridden: boolean;
}

/**
 * Reply templates: the shipped files in templates/, each overridable by a database row of the same name
 * (`replies/complaint`, `partials/greeting`). Output is plain text, so nothing is HTML-escaped here;
 * the HTML part of a reply escapes when it is built. Handlebars' default refusal of prototype access holds.
 */
export class TemplateLibrary {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dir = SHIPPED_TEMPLATES_DIR,
  ) {}

  async sources(): Promise<TemplateSource[]> {
    const shipped = new Map<string, string>();
    for (const kind of ['replies', 'partials']) {
      // Languages other than English live one folder down: `replies/de/complaint`, `partials/de/greeting`.
      const folder = path.join(this.dir, kind);
      const files = fs.existsSync(folder) ? (fs.readdirSync(folder, { recursive: true }) as string[]) : [];
      for (const file of files) {
        if (file.endsWith('.hbs')) shipped.set(`${kind}/${file.slice(0, -4).split(path.sep).join('/')}`, fs.readFileSync(path.join(folder, file), 'utf8'));
      }
    }
    const rows = await this.db.selectFrom('templates').select(['name', 'body']).execute();
    const overrides = new Map(rows.map((r) => [r.name, r.body]));
    const names = [...new Set([...shipped.keys(), ...overrides.keys()])].sort();
    return names.map((name) => ({ name, body: overrides.get(name) ?? shipped.get(name)!, overridden: overrides.has(name) }));
  }

  /** Renders a template by name; `unsaved` renders an edited body in its place (previews, checks before saving). */
  async render(name: string, context: Record<string, unknown>, unsaved?: string): Promise<RenderedTemplate> {
    const sources = await this.sources();
    const source = unsaved ?? sources.find((s) => s.name === name)?.body;
    if (source === undefined) throw new TemplateError(name, 'no such template', null);
    const replaced = sources.map((s) => (s.name === name && unsaved !== undefined ? { ...s, body: unsaved } : s));
    return rendered(renderWith(environment(replaced), name, source, context));
  }

  /** Renders texts that are not templates themselves (snippets) with the templates' helpers and partials. */
  async renderTexts(texts: Array<{ name: string; body: string }>, context: Record<string, unknown>): Promise<Array<RenderedTemplate | TemplateError>> {
    return renderTexts(await this.sources(), texts, context);
  }
}

/**
 * Renders texts with the template helpers and the partials among `sources`, compiling the partials once for
 * all of them. Pure. A text that fails gives its TemplateError in its place, so one broken text spoils no other.
 */
export function renderTexts(sources: TemplateSource[], texts: Array<{ name: string; body: string }>, context: Record<string, unknown>): Array<RenderedTemplate | TemplateError> {
  const env = environment(sources);
  return texts.map((t) => {
    try {
      return rendered(renderWith(env, t.name, t.body, context));
    } catch (err) {
      if (err instanceof TemplateError) return err;
      throw err;
    }
  });
}

function rendered(body: string): RenderedTemplate {
  return { body, slots: findSlots(body).map((s) => s.hint) };
}

/** An environment with its partials, and the texts compiled in it so far. */
interface Environment {
  env: typeof Handlebars;
  compiled: Map<string, HandlebarsTemplateDelegate>;
}

/**
 * Environments by their partials, the most recent last. Compiling is most of the cost of rendering, and the same
 * texts render again and again (every snippet on every keystroke's touch check), so compiled texts are kept while
 * the partials they were compiled with stay the same.
 */
const environments = new Map<string, Environment>();
const KEPT_ENVIRONMENTS = 4;
const KEPT_COMPILED = 2000;

/** The helpers, and the partials among these sources (`partials/greeting` as `greeting`). */
function environment(sources: TemplateSource[]): Environment {
  const partials = sources.filter((s) => s.name.startsWith('partials/'));
  const key = partials.map((s) => `${s.name}\u0000${s.body}`).join('\u0001');
  const known = environments.get(key);
  environments.delete(key);
  if (known) {
    environments.set(key, known);
    return known;
  }
  const env = createEnvironment();
  for (const s of partials) env.registerPartial(s.name.slice('partials/'.length), s.body);
  const made = { env, compiled: new Map() };
  environments.set(key, made);
  if (environments.size > KEPT_ENVIRONMENTS) environments.delete(environments.keys().next().value!);
  return made;
}

function renderWith(environment: Environment, name: string, body: string, context: Record<string, unknown>): string {
  try {
    let template = environment.compiled.get(body);
    if (!template) {
      if (environment.compiled.size >= KEPT_COMPILED) environment.compiled.clear();
      template = environment.env.compile(body, { noEscape: true, strict: false });
      environment.compiled.set(body, template);
    }
    return tidy(template(context));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const line = /line (\d+)/i.exec(message)?.[1];
    throw new TemplateError(name, message.split('\n')[0] ?? message, line ? Number(line) : null);
  }
}

/** Collapses the blank lines that conditional blocks leave behind. */
function tidy(text: string): string {
  return `${text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

function createEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  // A hole for the person to fill, shown with its hint. A draft with one left cannot be approved.
  // `{{#personal "hint" theirWords}}` names what they wrote in the hint, where only the writer sees it.
  env.registerHelper('personal', (hint: unknown, ...rest: unknown[]) => {
    const about = rest.length > 1 && typeof rest[0] === 'string' && rest[0].trim() ? `: "${rest[0].trim()}"` : '';
    const text = typeof hint === 'string' && hint.trim() ? `${hint.trim()}${about}`.replace(/[[\]\n]/g, ' ').slice(0, 200) : 'write this part yourself';
    return `[[${text}]]`;
  });
  env.registerHelper('monthYear', (d: unknown) => (d instanceof Date ? `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}` : ''));
  env.registerHelper('short', (text: unknown, max: unknown) => shorten(typeof text === 'string' ? text : '', typeof max === 'number' ? max : 160));
  env.registerHelper('quoteLines', (text: unknown) =>
    typeof text === 'string'
      ? text
          .trim()
          .split('\n')
          .map((l) => `> ${l}`.trimEnd())
          .join('\n')
      : '',
  );
  env.registerHelper('list', (items: unknown) => joinList(Array.isArray(items) ? items.map(String) : []));
  env.registerHelper('plural', (n: unknown, one: unknown, many: unknown) => (n === 1 ? one : many));
  return env;
}

export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('? '), cut.lastIndexOf('! '));
  return end > max / 2 ? cut.slice(0, end + 1) : `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : max)}…`;
}

export function joinList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
