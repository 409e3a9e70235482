import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { projectPath } from '../core/project-root.ts';
import { formatSize } from '../core/sizes.ts';

/** "2026-12-04 09:00 UTC": every time on the pages, until staff have time zones of their own. */
export const when = (d: unknown): string => (d instanceof Date ? `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC` : '');

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
  env.registerHelper('when', when);
  env.registerHelper('bytes', (n: unknown) => (typeof n === 'number' ? formatSize(n) : ''));
  env.registerHelper('iso', (d: unknown) => (d instanceof Date ? d.toISOString() : ''));
  env.registerHelper('ago', (d: unknown, now: unknown) => (d instanceof Date && now instanceof Date ? ago(now.getTime() - d.getTime()) : ''));
  env.registerHelper('paragraphs', (text: unknown) => {
    const escaped = Handlebars.escapeExpression(typeof text === 'string' ? text.trim() : '');
    return new Handlebars.SafeString(
      escaped
        .split(/\n{2,}/)
        .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
        .join(''),
    );
  });
  // A search snippet with its matches marked; every piece of the text is escaped.
  env.registerHelper('highlight', (text: unknown, ranges: unknown) => {
    const s = typeof text === 'string' ? text : '';
    let out = '';
    let at = 0;
    for (const [from, to] of Array.isArray(ranges) ? (ranges as Array<[number, number]>) : []) {
      out += `${Handlebars.escapeExpression(s.slice(at, from))}<mark>${Handlebars.escapeExpression(s.slice(from, to))}</mark>`;
      at = to;
    }
    return new Handlebars.SafeString(out + Handlebars.escapeExpression(s.slice(at)));
  });
}

function ago(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 1) return 'just now';
  if (m < 60) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}
