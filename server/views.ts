import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { User } from '../core/db/schema.ts';
import { projectPath } from '../core/project-root.ts';
import { formatSize } from '../core/sizes.ts';
import { DEFAULT_TIME_ZONE } from '../core/users/time-zone.ts';
import { datetimeLocalValue, formatInZone } from '../core/wall-clock.ts';

/** The zone a person's pages show times in, and read typed times in: theirs, UTC until it is known. */
export const zoneOf = (user: Pick<User, 'time_zone'> | undefined): string => user?.time_zone ?? DEFAULT_TIME_ZONE;

/** "2026-12-04 01:00 PST": a time on a page, in the reader's zone, with the zone's name. */
export const when = (d: unknown, zone: string): string => (d instanceof Date ? formatInZone(d, zone) : '');

/** Helpers find the reader's zone in the page's data (kit.page puts it there). */
const pageZone = (options: Handlebars.HelperOptions): string => (options.data?.root?.timeZone as string | undefined) ?? DEFAULT_TIME_ZONE;

const VIEWS = projectPath('server', 'views');

export type Render = (view: string, data: Record<string, unknown>) => string;

/**
 * Compiles the staff pages once at start: views/*.hbs inside views/layouts/main.hbs, with views/partials.
 * These escape HTML (unlike reply templates, which are plain text).
 */
export function createRenderer(): Render {
  const env = Handlebars.create();
  const read = (dir: string) => fs.readdirSync(path.join(VIEWS, dir)).filter((f) => f.endsWith('.hbs'));
  for (const f of read('partials')) env.registerPartial(f.slice(0, -4), fs.readFileSync(path.join(VIEWS, 'partials', f), 'utf8'));
  registerHelpers(env);
  const layout = env.compile(fs.readFileSync(path.join(VIEWS, 'layouts', 'main.hbs'), 'utf8'), { strict: false });
  const views = new Map(read('.').map((f) => [f.slice(0, -4), env.compile(fs.readFileSync(path.join(VIEWS, f), 'utf8'))]));
  return (view, data) => {
    const template = views.get(view);
    if (!template) throw new Error(`no view ${view}`);
    // A fragment for a live page replaces part of it: no layout around it.
    return data.layout === false ? template(data) : layout({ ...data, body: template(data) });
  };
}

function registerHelpers(env: typeof Handlebars): void {
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  env.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  env.registerHelper('json', (v: unknown) => JSON.stringify(v));
  env.registerHelper('when', (d: unknown, options: Handlebars.HelperOptions) => when(d, pageZone(options)));
  // A datetime-local field's value: the time as the reader's clock shows it, which is how the field reads it back.
  env.registerHelper('localInput', (d: unknown, options: Handlebars.HelperOptions) => (d instanceof Date ? datetimeLocalValue(d, pageZone(options)) : ''));
  env.registerHelper('bytes', (n: unknown) => (typeof n === 'number' ? formatSize(n) : ''));
  env.registerHelper('iso', (d: unknown) => (d instanceof Date ? d.toISOString() : ''));
  env.registerHelper('ago', (d: unknown, now: unknown) => (d instanceof Date && now instanceof Date ? ago(now.getTime() - d.getTime()) : ''));
  // Plain text as paragraphs; with a note's mention spans, each @mention shown as one (whom it names on hover).
  env.registerHelper('paragraphs', (text: unknown, spans: unknown) => {
    const mentions = Array.isArray(spans) ? (spans as Array<{ start: number; end: number; name: string }>) : [];
    const html = markText(
      typeof text === 'string' ? text : '',
      mentions.map((m) => ({ start: m.start, end: m.end, tag: 'strong', className: 'mention', title: m.name })),
    ).trim();
    return new Handlebars.SafeString(
      html
        .split(/\n{2,}/)
        .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
        .join(''),
    );
  });
  // A search snippet with its matches marked.
  env.registerHelper(
    'highlight',
    (text: unknown, ranges: unknown) =>
      new Handlebars.SafeString(
        markText(
          typeof text === 'string' ? text : '',
          (Array.isArray(ranges) ? (ranges as Array<[number, number]>) : []).map(([start, end]) => ({ start, end, tag: 'mark' })),
        ),
      ),
  );
}

interface Mark {
  start: number;
  end: number;
  tag: 'mark' | 'strong';
  className?: string;
  title?: string;
}

/** Text with ranges of it wrapped in a tag of ours; every piece of the text is escaped, so none of it becomes HTML. */
function markText(text: string, marks: Mark[]): string {
  const esc = Handlebars.escapeExpression;
  let out = '';
  let at = 0;
  for (const m of [...marks].sort((a, b) => a.start - b.start)) {
    if (m.start < at) continue;
    const attrs = `${m.className ? ` class="${esc(m.className)}"` : ''}${m.title ? ` title="${esc(m.title)}"` : ''}`;
    out += `${esc(text.slice(at, m.start))}<${m.tag}${attrs}>${esc(text.slice(m.start, m.end))}</${m.tag}>`;
    at = m.end;
  }
  return out + esc(text.slice(at));
}

function ago(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 1) return 'just now';
  if (m < 60) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}
