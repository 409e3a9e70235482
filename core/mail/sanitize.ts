/**
 * Makes a received HTML body safe to show a person: only formatting survives. The HTML is then shown
 * in a sandboxed frame under a CSP without scripts; this is the first of those two walls, so it keeps
 * nothing that could run, load or submit anything on its own.
 */
import sanitizeHtml from 'sanitize-html';

export interface SanitizeOptions {
  /**
   * What a remote (http/https) image becomes: null leaves it out, with a placeholder in its place;
   * otherwise the URL to load it from instead (our proxy), so the sender never sees the reader.
   */
  remoteImage: ((url: string) => string) | null;
  /** The URL of the message's own attachment with this Content-ID (a cid: image), or null when there is none. */
  inlineImage: (contentId: string) => string | null;
}

export interface SanitizedHtml {
  html: string;
  /** Remote images found (left out, or pointed at the proxy). */
  remoteImages: number;
}

/** Elements with no formatting meaning whose content is code, hidden text or another document: dropped with their content. */
const DROPPED_WITH_CONTENT = [
  'script',
  'style',
  'textarea',
  'option',
  'select',
  'xmp',
  'noscript',
  'noembed',
  'noframes',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'template',
  'svg',
  'math',
  'title',
  'plaintext',
  'canvas',
  'audio',
  'video',
  'head',
];

const TAGS = [
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
];

const CELL = ['align', 'valign', 'width', 'height', 'bgcolor', 'colspan', 'rowspan', 'nowrap', 'background'];

/**
 * Inline styles are kept, within a safe subset: mail layouts depend on them (tables, colours, fonts),
 * and without them much mail is unreadable. Only the properties below survive, with values made of
 * words, numbers, units, colours and quotes: no url(), expression(), escapes or other functions than
 * colours, so a style can neither run nor load anything. <style> blocks are dropped whole (a CSS
 * parser's worth of rules, @import and @font-face to police for little gain).
 */
const STYLE_VALUE = /^(?:[-\w.#%,\s'"!/]|(?:rgba?|hsla?)\([\d\s.,%/]*\))*$/i;
const STYLE_PROPERTIES = [
  'color',
  'background-color',
  'font',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'font-variant',
  'text-align',
  'text-decoration',
  'text-transform',
  'text-indent',
  'line-height',
  'letter-spacing',
  'word-spacing',
  'white-space',
  'vertical-align',
  'direction',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-color',
  'border-style',
  'border-width',
  'border-radius',
  'border-collapse',
  'border-spacing',
  'width',
  'max-width',
  'min-width',
  'height',
  'max-height',
  'min-height',
  'display',
  'list-style-type',
  'table-layout',
];
const STYLES = { '*': Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, [STYLE_VALUE]])) };

/** Images a browser shows without running anything (not SVG), inline as data: URLs. */
const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[a-z0-9+/=\s]*$/i;

export function sanitizeMailHtml(dirty: string, options: SanitizeOptions): SanitizedHtml {
  let remoteImages = 0;
  /** A remote image's URL as the proxy should fetch it, or null (and counted) when it is to be left out. */
  const remote = (value: string | undefined): { keep: string } | { blocked: true } | null => {
    const url = absoluteUrl(value, ['http:', 'https:']);
    if (!url) return null;
    remoteImages++;
    return options.remoteImage ? { keep: options.remoteImage(url) } : { blocked: true };
  };
  const html = sanitizeHtml(dirty, {
    allowedTags: TAGS,
    allowedAttributes: {
      '*': ['style', 'dir', 'lang', 'title', 'align'],
      a: ['href', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height', 'border', 'hspace', 'vspace'],
      font: ['color', 'face', 'size'],
      table: ['width', 'height', 'border', 'cellpadding', 'cellspacing', 'bgcolor', 'background'],
      td: CELL,
      th: CELL,
      tr: ['valign', 'bgcolor', 'height'],
      col: ['span', 'width'],
      colgroup: ['span', 'width'],
      ol: ['start', 'type', 'reversed'],
      ul: ['type'],
      li: ['value'],
      blockquote: ['type'],
      span: ['class'],
    },
    allowedClasses: { span: ['remote-image'] },
    allowedStyles: STYLES,
    // Every URL left in the output was chosen by the transforms below; these are the second check.
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'background', 'cite', 'action', 'formaction'],
    allowProtocolRelative: false,
    nonTextTags: DROPPED_WITH_CONTENT,
    disallowedTagsMode: 'discard',
    // An image whose source was refused is nothing to show (frame.tag is the name before the transform: placeholders stay).
    exclusiveFilter: (frame) => frame.tag === 'img' && frame.attribs.src === undefined && frame.attribs.class !== 'remote-image',
    transformTags: {
      a: (tagName, attribs) => {
        const href = absoluteUrl(attribs.href, ['http:', 'https:', 'mailto:']);
        // target=_blank: a link opens outside the frame, never inside it; without an opener or a referrer.
        return {
          tagName,
          attribs: href
            ? { ...pick(attribs, ['title', 'style', 'dir', 'lang']), href, target: '_blank', rel: 'noopener noreferrer' }
            : pick(attribs, ['title', 'style', 'dir', 'lang']),
        };
      },
      img: (tagName, attribs) => {
        const kept = pick(attribs, ['alt', 'width', 'height', 'border', 'hspace', 'vspace', 'title', 'style', 'align']);
        const src = (attribs.src ?? '').trim();
        if (/^cid:/i.test(src)) {
          const url = options.inlineImage(decodeCid(src.slice(4)));
          return { tagName, attribs: url ? { ...kept, src: url } : kept };
        }
        if (DATA_IMAGE.test(src)) return { tagName, attribs: { ...kept, src: src.replace(/\s+/g, '') } };
        const r = remote(src);
        if (r && 'keep' in r) return { tagName, attribs: { ...kept, src: r.keep } };
        if (r) return { tagName: 'span', attribs: { class: 'remote-image', title: 'A remote image, not loaded' }, text: attribs.alt ? `[image: ${attribs.alt}]` : '[image]' };
        return { tagName, attribs: kept };
      },
      table: backgroundImage,
      td: backgroundImage,
      th: backgroundImage,
    },
  });
  return { html, remoteImages };

  /** A cell's or table's background="URL": a remote image like any other, loaded only when asked. */
  function backgroundImage(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
    const { background, ...rest } = attribs;
    if (background === undefined) return { tagName, attribs: rest };
    const r = remote(background);
    return { tagName, attribs: r && 'keep' in r ? { ...rest, background: r.keep } : rest };
  }
}

/** An absolute URL with one of these schemes, as a browser would read the attribute; else null. */
function absoluteUrl(value: string | undefined, protocols: string[]): string | null {
  if (!value) return null;
  // Browsers ignore tabs and line breaks inside URLs and control characters and spaces around them.
  const cleaned = value.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  let url: URL;
  try {
    url = new URL(cleaned);
  } catch {
    return null;
  }
  return protocols.includes(url.protocol) ? url.href : null;
}

function decodeCid(value: string): string {
  try {
    return decodeURIComponent(value).replace(/^<|>$/g, '');
  } catch {
    return value.replace(/^<|>$/g, '');
  }
}

function pick(attribs: sanitizeHtml.Attributes, names: string[]): sanitizeHtml.Attributes {
  const out: sanitizeHtml.Attributes = {};
  for (const n of names) if (attribs[n] !== undefined) out[n] = attribs[n]!;
  return out;
}
