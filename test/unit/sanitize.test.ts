import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sanitizeHtml from 'sanitize-html';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../core/mail/parse.ts';
import { type SanitizeOptions, sanitizeMailHtml } from '../../core/mail/sanitize.ts';

const CORPUS = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));
const files = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.eml'))
  .sort();

const blocked: SanitizeOptions = { remoteImage: null, inlineImage: (cid) => `/attachments/${cid.length}/inline?e=1&s=x` };
const loaded: SanitizeOptions = { ...blocked, remoteImage: (url) => `/proxy/image?u=${encodeURIComponent(url)}&e=1&s=x` };

interface Element {
  tag: string;
  attribs: Record<string, string>;
}

/** Every element of an HTML fragment as a browser-like parser sees it (sanitize-html's own parser, allowing everything). */
function elements(html: string): Element[] {
  const out: Element[] = [];
  sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    exclusiveFilter: (frame) => {
      out.push({ tag: frame.tag, attribs: { ...frame.attribs } });
      return false;
    },
  });
  return out;
}

const FORMATTING = new Set([
  'a',
  'abbr',
  'address',
  'b',
  'bdi',
  'big',
  'blockquote',
  'br',
  'caption',
  'center',
  'cite',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'figcaption',
  'figure',
  'font',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'mark',
  'ol',
  'p',
  'pre',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'tt',
  'u',
  'ul',
  'var',
  'wbr',
]);
const ATTRIBUTES = new Set([
  'style',
  'dir',
  'lang',
  'title',
  'align',
  'href',
  'target',
  'rel',
  'src',
  'alt',
  'width',
  'height',
  'border',
  'hspace',
  'vspace',
  'color',
  'face',
  'size',
  'cellpadding',
  'cellspacing',
  'bgcolor',
  'background',
  'valign',
  'colspan',
  'rowspan',
  'nowrap',
  'span',
  'start',
  'type',
  'reversed',
  'value',
  'class',
]);
const OUR_IMAGE = /^\/attachments\/\d+\/inline\?e=1&s=x$/;
const PROXIED = /^\/proxy\/image\?u=https?%3A%2F%2F[^&]+&e=1&s=x$/;

/** What must hold for any sanitized output, whatever came in. */
function expectInert(html: string, mode: 'blocked' | 'loaded'): void {
  for (const el of elements(html)) {
    expect(FORMATTING.has(el.tag), `<${el.tag}> in ${html.slice(0, 200)}`).toBe(true);
    for (const [name, value] of Object.entries(el.attribs)) {
      expect(ATTRIBUTES.has(name), `${name} on <${el.tag}>`).toBe(true);
      if (name === 'href') {
        expect(value).toMatch(/^(https?:\/\/|mailto:)/);
        expect(el.attribs.target).toBe('_blank');
        expect(el.attribs.rel).toBe('noopener noreferrer');
      }
      if (name === 'src') {
        expect(el.tag).toBe('img');
        const ok = OUR_IMAGE.test(value) || /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]*$/.test(value) || (mode === 'loaded' && PROXIED.test(value));
        expect(ok, `img src ${value}`).toBe(true);
      }
      if (name === 'background') expect(mode === 'loaded' && PROXIED.test(value), `background ${value}`).toBe(true);
      if (name === 'style') expect(value).not.toMatch(/url\s*\(|expression|\\|@|behavior|binding|javascript/i);
      if (name === 'class') expect(value).toBe('remote-image');
    }
  }
}

describe('sanitizing the hostile corpus', () => {
  it('has at least 60 cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  for (const file of files) {
    it(`leaves nothing active in ${file}`, async () => {
      const parsed = await parseMessage(fs.readFileSync(path.join(CORPUS, file)));
      // The forwarded message's HTML is an attachment, served as a download: check it here all the same.
      const htmls = [parsed.html, ...parsed.attachments.filter((a) => /html/.test(a.contentType)).map((a) => a.content.toString('utf8'))].filter((h): h is string => h !== null);
      for (const html of htmls) {
        for (const [mode, options] of [
          ['blocked', blocked],
          ['loaded', loaded],
        ] as const) {
          const out = sanitizeMailHtml(html, options).html;
          expectInert(out, mode);
        }
      }
    });
  }
});

describe('sanitizeMailHtml', () => {
  it('replaces remote images by a placeholder unless asked, and counts them', () => {
    const html =
      '<p>Hi <img src="http://t.example/p.gif" alt="logo"> <img src="https://t.example/q.png"></p><table background="http://t.example/bg.png"><tr><td>x</td></tr></table>';
    const out = sanitizeMailHtml(html, blocked);
    expect(out.remoteImages).toBe(3);
    expect(out.html).toBe(
      '<p>Hi <span class="remote-image" title="A remote image, not loaded">[image: logo]</span> <span class="remote-image" title="A remote image, not loaded">[image]</span></p><table><tr><td>x</td></tr></table>',
    );
    const shown = sanitizeMailHtml(html, loaded).html;
    expect(shown).toContain('src="/proxy/image?u=http%3A%2F%2Ft.example%2Fp.gif&amp;e=1&amp;s=x"');
    expect(shown).toContain('background="/proxy/image?u=http%3A%2F%2Ft.example%2Fbg.png&amp;e=1&amp;s=x"');
  });

  it('points cid: images at the message attachment with that Content-ID, and drops unknown ones', () => {
    const options: SanitizeOptions = { remoteImage: null, inlineImage: (cid) => (cid === 'logo@x.example' ? '/attachments/7/inline?e=1&s=y' : null) };
    expect(sanitizeMailHtml('<img src="cid:logo@x.example" alt="Logo"><img src="cid:other@x.example">', options).html).toBe(
      '<img alt="Logo" src="/attachments/7/inline?e=1&amp;s=y" />',
    );
  });

  it('keeps raster data: images and drops SVG and HTML ones', () => {
    const out = sanitizeMailHtml('<img src="data:image/png;base64,iVBORw0KGgo="><img src="data:image/svg+xml;base64,PHN2Zz4="><img src="data:text/html,x">', blocked).html;
    expect(out).toBe('<img src="data:image/png;base64,iVBORw0KGgo=" />');
  });

  it('keeps safe inline styles and drops anything that loads or runs', () => {
    const out = sanitizeMailHtml(
      '<p style="color: #c00; font-family: \'Georgia\', serif; background: url(http://x.example/a.png); width: expression(alert(1)); background-color: rgb(1, 2, 3); position: fixed">s</p>',
      blocked,
    ).html;
    expect(out).toBe('<p style="color:#c00;font-family:\'Georgia\', serif;background-color:rgb(1, 2, 3)">s</p>');
  });

  it('opens every link in a new tab without opener or referrer, and unlinks other schemes and relative links', () => {
    const out = sanitizeMailHtml(
      '<a href="https://shop.example/o?id=1&amp;x=2" target="_top">ok</a> <a href="mailto:a@b.example">mail</a> <a href="/settings">ours</a> <a href="javascript:alert(1)">js</a>',
      blocked,
    ).html;
    expect(out).toBe(
      '<a href="https://shop.example/o?id=1&amp;x=2" target="_blank" rel="noopener noreferrer">ok</a> <a href="mailto:a@b.example" target="_blank" rel="noopener noreferrer">mail</a> <a>ours</a> <a>js</a>',
    );
  });
});
