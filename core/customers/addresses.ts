/**
 * Pure rules about email addresses and the names that come with them: which address a customer is
 * keyed by, which senders are machines, which name to show, which organization an address belongs
 * to, and which first name to greet someone by. No I/O; every function is safe on any input.
 */

// ---------------------------------------------------------------------------------------------
// Normalizing

export interface NormalizeOptions {
  /** Domains (lower-case) where "name+tag@domain" is the same mailbox as "name@domain". */
  stripPlusTagDomains: string[];
}

// RFC 5322 dot-atom characters, plus letters beyond ASCII for internationalized addresses.
const LOCAL_ATOM = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;

/**
 * The address as one canonical string, or null when it is not a plausible single mailbox address.
 * Trims, removes surrounding angle brackets (and a "mailto:"), lower-cases, and removes a "+tag"
 * from the local part only for the given domains (where the provider delivers tags to one mailbox).
 */
export function normalizeAddress(address: string, opts: NormalizeOptions): string | null {
  let a = address.trim();
  if (a.startsWith('<') && a.endsWith('>')) a = a.slice(1, -1).trim();
  a = a.replace(/^mailto:/i, '').toLowerCase();
  if (a.length > 254 || a.length < 3) return null;
  const at = a.indexOf('@');
  if (at <= 0 || at !== a.lastIndexOf('@')) return null;
  let local = a.slice(0, at);
  const domain = a.slice(at + 1).replace(/\.$/, '');
  if (!isPlausibleLocal(local) || !isPlausibleDomain(domain)) return null;
  if (opts.stripPlusTagDomains.includes(domain)) {
    const plus = local.indexOf('+');
    if (plus > 0) local = local.slice(0, plus);
  }
  return `${local}@${domain}`;
}

function isPlausibleLocal(local: string): boolean {
  if (local.length === 0 || local.length > 64) return false;
  return local.split('.').every((part) => part.length > 0 && LOCAL_ATOM.test(part));
}

function isPlausibleDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  return labels.every((l) => DOMAIN_LABEL.test(l)) && TLD.test(labels[labels.length - 1]!);
}

/** The local part (before the last "@"), lower-case; the whole string when there is no "@". */
function localPart(address: string): string {
  const a = address.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = a.lastIndexOf('@');
  return at < 0 ? a : a.slice(0, at);
}

/** The domain (after the last "@"), lower-case, or null when there is none. */
function domainPart(address: string): string | null {
  const a = address.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 0) return null;
  const domain = a.slice(at + 1).replace(/\.$/, '');
  return domain && isPlausibleDomain(domain) ? domain : null;
}

// ---------------------------------------------------------------------------------------------
// Machines

// mailer-daemon, mailer_daemon, mailerdaemon, mail-daemon, postmaster, double-bounce, and bounce or
// bounces alone or followed by a tag ("bounces+abc", "bounce-mc.us5_123", VERP "bounces-123=x.com").
const MAILER_DAEMON = /^(?:mail(?:er)?[-_.]?daemon|postmaster|double[-_.]?bounces?|bounces?(?:[+\-_.=].*)?)$/;

/** True for bounce and delivery-report senders: they must never become customers. */
export function isMailerDaemon(address: string): boolean {
  return MAILER_DAEMON.test(localPart(address));
}

/*
 * Automated senders, decided conservatively: a person may write from almost any role address
 * (info@, support@, sales@, news@ are often read and answered), so only local parts that say a
 * machine sent the mail count:
 *   - noreply, no-reply, no_reply, no.reply, donotreply, do-not-reply, do_not_reply, dontreply,
 *     anywhere in the local part between separators ("calendar-noreply", "noreply-dmarc-support");
 *   - exactly (a "+tag" ignored): notification, notifications, notify, alert, alerts, automated,
 *     autoreply, auto-reply, auto-confirm, autoconfirm, newsletter, newsletters, mailer;
 *   - ending in "-notifications" or "-alerts" ("billing-notifications", "security-alerts").
 */
const NO_REPLY = /(?:^|[-_.+])(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply)(?:$|[-_.+\d])/;
const AUTOMATED_LOCALS = new Set([
  'notification',
  'notifications',
  'notify',
  'alert',
  'alerts',
  'automated',
  'autoreply',
  'auto-reply',
  'auto-confirm',
  'autoconfirm',
  'newsletter',
  'newsletters',
  'mailer',
]);
const AUTOMATED_SUFFIX = /[-_.](?:notifications|alerts)$/;

/** True for senders that are clearly machines nobody reads replies for (see the list above). */
export function isNoReply(address: string): boolean {
  const local = localPart(address);
  if (NO_REPLY.test(local)) return true;
  const untagged = local.replace(/\+.*$/, '');
  return AUTOMATED_LOCALS.has(untagged) || AUTOMATED_SUFFIX.test(untagged);
}

// ---------------------------------------------------------------------------------------------
// Names

const QUOTES = /^["'“”‘’«»`]+|["'“”‘’«»`]+$/g;
// Suffixes after a comma that are not a first name ("Acme, Inc.", "Lopez, Maria, PhD" keeps its order).
const NAME_SUFFIXES = new Set([
  'inc',
  'ltd',
  'llc',
  'llp',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'sarl',
  'sas',
  'bv',
  'nv',
  'pty',
  'co',
  'corp',
  'limited',
  'srl',
  'spa',
  'ab',
  'as',
  'oy',
  'jr',
  'sr',
  'ii',
  'iii',
  'iv',
  'phd',
  'md',
  'esq',
  'mba',
  'dds',
  'rn',
]);
// Words that only fill a display-name field and never name a person.
const PLACEHOLDER_NAMES = new Set(['unknown', 'customer', 'client', 'user', 'guest', 'me', 'null', 'undefined', 'none', 'n/a', 'name', 'your name', 'test']);

// Job titles after a comma ("Dana Okafor, Owner"): the name before the comma is already in order.
const JOB_TITLES = new Set([
  'owner',
  'founder',
  'cofounder',
  'co-founder',
  'manager',
  'director',
  'ceo',
  'cto',
  'cfo',
  'coo',
  'president',
  'chef',
  'head',
  'buyer',
  'assistant',
  'coordinator',
  'officer',
  'lead',
  'partner',
  'consultant',
  'engineer',
  'designer',
  'teacher',
  'proprietor',
  'secretary',
]);

/** Whether the text on one side of "Okafor, Dana" can be part of a person's name (so the two swap). */
function looksLikeGivenNames(part: string): boolean {
  const words = part.trim().split(' ');
  if (words.length > 3 || !/\p{L}/u.test(part)) return false;
  return words.every((w) => {
    const plain = w.toLowerCase().replace(/\./g, '');
    return !NAME_SUFFIXES.has(plain) && !JOB_TITLES.has(plain) && !COMPANY_WORDS.has(plain);
  });
}

const EMAIL_IN_TEXT = /[^\s<>()"',;]+@[^\s<>()"',;]+\.[^\s<>()"',;]+/;

/**
 * A display name cleaned of wrapping: quotes, "(via Support)" and " via Acme" suffixes, an email
 * address in brackets, extra whitespace, and "Last, First" turned into "First Last". Empty when
 * nothing usable remains.
 */
function cleanName(raw: string): string {
  let s = raw.replace(/\s+/g, ' ').trim().replace(QUOTES, '').trim();
  s = s.replace(/\s*[<([]\s*[^<>()[\]]*@[^<>()[\]]*[>)\]]\s*/g, ' ').trim();
  s = s.replace(/\s*\(\s*via\b[^)]*\)\s*$/i, '').trim();
  s = s.replace(/^(.+?)\s+via\s+\S.*$/i, '$1').trim();
  s = s.replace(QUOTES, '').trim();
  const comma = /^([^,]+),\s*([^,]+)$/.exec(s);
  if (comma && looksLikeGivenNames(comma[2]!) && looksLikeGivenNames(comma[1]!)) s = `${comma[2]!.trim()} ${comma[1]!.trim()}`;
  return s;
}

function casedLetters(s: string): boolean {
  return s.toUpperCase() !== s.toLowerCase();
}
function isAllCaps(s: string): boolean {
  return casedLetters(s) && s === s.toUpperCase();
}
function isAllLower(s: string): boolean {
  return casedLetters(s) && s === s.toLowerCase();
}

// Particles that stay lower-case inside a name when we fix its case ("van der Berg").
const PARTICLES = new Set(['van', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'dos', 'das', 'du', 'la', 'le', 'von', 'zu', 'y', 'e', 'bin', 'al']);

/** "MARIA LOPEZ" / "maria lopez" -> "Maria Lopez", "anne-marie o'neil" -> "Anne-Marie O'Neil". */
function titleCase(name: string): string {
  return name
    .toLowerCase()
    .split(' ')
    .map((word, i) => (i > 0 && PARTICLES.has(word) ? word : word.replace(/(^|[-'’.])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase())))
    .join(' ');
}

function isUsableName(name: string, address: string): boolean {
  if (!name || !/\p{L}/u.test(name)) return false;
  if (EMAIL_IN_TEXT.test(name) || name.includes('@')) return false;
  const lower = name.toLowerCase();
  if (PLACEHOLDER_NAMES.has(lower)) return false;
  const local = localPart(address);
  return lower !== local && lower !== local.replace(/\+.*$/, '');
}

/**
 * The best of every display name seen for an address: a real name rather than an address or the
 * local part repeated, two or more words rather than one, proper capitalization rather than ALL CAPS
 * or all lower case, later names winning ties. The winner is cleaned ("Okafor, Dana" -> "Dana Okafor")
 * and, if it was written all in one case, given ordinary capitalization. Null when none is usable.
 */
export function bestDisplayName(names: string[], address: string): string | null {
  let best: { name: string; score: number } | null = null;
  for (const raw of names) {
    const name = cleanName(raw);
    if (!isUsableName(name, address)) continue;
    let score = 0;
    if (name.split(' ').length >= 2) score += 3;
    if (!isAllCaps(name) && !isAllLower(name)) score += 2;
    if (/\d/.test(name)) score -= 1;
    if (!best || score >= best.score) best = { name, score };
  }
  if (!best) return null;
  return isAllCaps(best.name) || isAllLower(best.name) ? titleCase(best.name) : best.name;
}

// ---------------------------------------------------------------------------------------------
// Organizations

/**
 * Free-mail and consumer ISP domains: an address there says nothing about the sender's organization.
 * Country variants are listed explicitly rather than matched by pattern, so "yahoo-tools.com" and
 * "live.example" are not caught by accident.
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  // Google
  'gmail.com',
  'googlemail.com',
  // Microsoft
  'outlook.com',
  'outlook.co.uk',
  'outlook.fr',
  'outlook.de',
  'outlook.it',
  'outlook.es',
  'outlook.nl',
  'outlook.be',
  'outlook.at',
  'outlook.dk',
  'outlook.ie',
  'outlook.pt',
  'outlook.jp',
  'outlook.kr',
  'outlook.sa',
  'outlook.cl',
  'outlook.co.id',
  'outlook.co.il',
  'outlook.co.nz',
  'outlook.co.th',
  'outlook.com.au',
  'outlook.com.br',
  'outlook.com.ar',
  'outlook.com.gr',
  'outlook.com.tr',
  'outlook.com.vn',
  'outlook.ph',
  'outlook.sg',
  'outlook.my',
  'outlook.in',
  'outlook.hu',
  'outlook.cz',
  'outlook.sk',
  'outlook.lv',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'hotmail.it',
  'hotmail.es',
  'hotmail.nl',
  'hotmail.be',
  'hotmail.ca',
  'hotmail.ch',
  'hotmail.at',
  'hotmail.se',
  'hotmail.no',
  'hotmail.dk',
  'hotmail.fi',
  'hotmail.gr',
  'hotmail.ie',
  'hotmail.cl',
  'hotmail.co.jp',
  'hotmail.co.nz',
  'hotmail.co.za',
  'hotmail.co.th',
  'hotmail.co.in',
  'hotmail.com.au',
  'hotmail.com.br',
  'hotmail.com.ar',
  'hotmail.com.mx',
  'hotmail.com.tr',
  'hotmail.com.tw',
  'hotmail.com.hk',
  'hotmail.com.sg',
  'hotmail.my',
  'hotmail.ph',
  'live.com',
  'live.co.uk',
  'live.fr',
  'live.de',
  'live.it',
  'live.nl',
  'live.be',
  'live.ca',
  'live.ch',
  'live.at',
  'live.se',
  'live.no',
  'live.dk',
  'live.fi',
  'live.ie',
  'live.cl',
  'live.jp',
  'live.in',
  'live.co.za',
  'live.co.kr',
  'live.com.au',
  'live.com.mx',
  'live.com.ar',
  'live.com.pt',
  'live.com.my',
  'live.com.sg',
  'live.ru',
  'live.hk',
  'msn.com',
  'passport.com',
  'windowslive.com',
  // Yahoo and AOL
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'yahoo.it',
  'yahoo.es',
  'yahoo.ca',
  'yahoo.ie',
  'yahoo.se',
  'yahoo.no',
  'yahoo.dk',
  'yahoo.fi',
  'yahoo.gr',
  'yahoo.pl',
  'yahoo.ro',
  'yahoo.at',
  'yahoo.be',
  'yahoo.ch',
  'yahoo.nl',
  'yahoo.in',
  'yahoo.cn',
  'yahoo.co.in',
  'yahoo.co.jp',
  'yahoo.co.nz',
  'yahoo.co.id',
  'yahoo.co.kr',
  'yahoo.co.th',
  'yahoo.co.za',
  'yahoo.com.au',
  'yahoo.com.br',
  'yahoo.com.mx',
  'yahoo.com.ar',
  'yahoo.com.sg',
  'yahoo.com.hk',
  'yahoo.com.tw',
  'yahoo.com.ph',
  'yahoo.com.vn',
  'yahoo.com.my',
  'yahoo.com.tr',
  'ymail.com',
  'rocketmail.com',
  'aol.com',
  'aol.co.uk',
  'aol.fr',
  'aol.de',
  'aol.it',
  'aol.es',
  'aol.nl',
  'aol.be',
  'aol.ca',
  'aol.com.au',
  'aim.com',
  'verizon.net',
  // Apple
  'icloud.com',
  'me.com',
  'mac.com',
  'privaterelay.appleid.com',
  // Privacy-minded providers
  'proton.me',
  'protonmail.com',
  'protonmail.ch',
  'pm.me',
  'tutanota.com',
  'tutanota.de',
  'tutamail.com',
  'tuta.io',
  'tuta.com',
  'fastmail.com',
  'fastmail.fm',
  'fastmail.net',
  'fastmail.org',
  'hey.com',
  'hushmail.com',
  'mailfence.com',
  'posteo.de',
  'posteo.net',
  'mailbox.org',
  'disroot.org',
  'riseup.net',
  'duck.com',
  'startmail.com',
  'runbox.com',
  'zoho.com',
  'zohomail.com',
  'zohomail.eu',
  'zohomail.in',
  // mail.com and GMX families
  'mail.com',
  'email.com',
  'usa.com',
  'post.com',
  'consultant.com',
  'myself.com',
  'europe.com',
  'engineer.com',
  'gmx.com',
  'gmx.net',
  'gmx.de',
  'gmx.at',
  'gmx.ch',
  'gmx.fr',
  'gmx.co.uk',
  'gmx.us',
  'gmx.es',
  'gmx.it',
  'gmx.li',
  // Germany, Austria, Switzerland
  'web.de',
  't-online.de',
  'freenet.de',
  'arcor.de',
  'online.de',
  '1und1.de',
  'vodafone.de',
  'kabelmail.de',
  'bluewin.ch',
  'hispeed.ch',
  'sunrise.ch',
  'aon.at',
  'chello.at',
  'a1.net',
  // France, Belgium, Netherlands
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'sfr.fr',
  'neuf.fr',
  'bbox.fr',
  'numericable.fr',
  'club-internet.fr',
  'aliceadsl.fr',
  'telenet.be',
  'skynet.be',
  'proximus.be',
  'ziggo.nl',
  'kpnmail.nl',
  'planet.nl',
  'home.nl',
  'hetnet.nl',
  'xs4all.nl',
  'casema.nl',
  'upcmail.nl',
  // Italy, Spain, Portugal
  'libero.it',
  'virgilio.it',
  'tiscali.it',
  'alice.it',
  'tin.it',
  'tim.it',
  'fastwebnet.it',
  'inwind.it',
  'iol.it',
  'email.it',
  'telefonica.net',
  'movistar.es',
  'terra.es',
  'ya.com',
  'sapo.pt',
  'clix.pt',
  'netcabo.pt',
  // Nordics and the Baltics
  'telia.com',
  'online.no',
  'home.se',
  'bredband.net',
  'spray.se',
  'jubii.dk',
  'mail.dk',
  'suomi24.fi',
  'inbox.lv',
  'inbox.lt',
  'mail.ee',
  // Central and Eastern Europe
  'seznam.cz',
  'email.cz',
  'centrum.cz',
  'atlas.cz',
  'post.cz',
  'volny.cz',
  'centrum.sk',
  'azet.sk',
  'zoznam.sk',
  'wp.pl',
  'o2.pl',
  'onet.pl',
  'onet.eu',
  'op.pl',
  'interia.pl',
  'interia.eu',
  'poczta.fm',
  'tlen.pl',
  'gazeta.pl',
  'vp.pl',
  'freemail.hu',
  'citromail.hu',
  'abv.bg',
  'mail.bg',
  'yahoo.ro',
  // Russia and neighbours
  'mail.ru',
  'bk.ru',
  'inbox.ru',
  'list.ru',
  'internet.ru',
  'rambler.ru',
  'yandex.ru',
  'yandex.com',
  'yandex.ua',
  'yandex.by',
  'yandex.kz',
  'yandex.com.tr',
  'ya.ru',
  'ukr.net',
  'i.ua',
  'meta.ua',
  // United Kingdom and Ireland
  'btinternet.com',
  'btopenworld.com',
  'sky.com',
  'virginmedia.com',
  'virgin.net',
  'blueyonder.co.uk',
  'ntlworld.com',
  'talktalk.net',
  'tiscali.co.uk',
  'plus.com',
  'eircom.net',
  // North America
  'comcast.net',
  'att.net',
  'sbcglobal.net',
  'bellsouth.net',
  'charter.net',
  'cox.net',
  'earthlink.net',
  'optonline.net',
  'frontier.com',
  'frontiernet.net',
  'windstream.net',
  'centurylink.net',
  'q.com',
  'juno.com',
  'netzero.net',
  'mindspring.com',
  'roadrunner.com',
  'rr.com',
  'twc.com',
  'spectrum.net',
  'rogers.com',
  'shaw.ca',
  'sympatico.ca',
  'telus.net',
  'videotron.ca',
  'bell.net',
  'cogeco.ca',
  // Australia and New Zealand
  'bigpond.com',
  'bigpond.net.au',
  'optusnet.com.au',
  'iinet.net.au',
  'tpg.com.au',
  'internode.on.net',
  'westnet.com.au',
  'xtra.co.nz',
  'slingshot.co.nz',
  'orcon.net.nz',
  // Asia
  'qq.com',
  'foxmail.com',
  '163.com',
  '126.com',
  'yeah.net',
  'sina.com',
  'sina.cn',
  'sohu.com',
  'aliyun.com',
  '139.com',
  '189.cn',
  'naver.com',
  'daum.net',
  'hanmail.net',
  'nate.com',
  'kakao.com',
  'docomo.ne.jp',
  'ezweb.ne.jp',
  'softbank.ne.jp',
  'i.softbank.jp',
  'nifty.com',
  'biglobe.ne.jp',
  'ocn.ne.jp',
  'rediffmail.com',
  'sify.com',
  'hinet.net',
  'pchome.com.tw',
  'singnet.com.sg',
  // Latin America and Africa
  'uol.com.br',
  'bol.com.br',
  'terra.com.br',
  'ig.com.br',
  'globo.com',
  'r7.com',
  'prodigy.net.mx',
  'speedy.com.ar',
  'fibertel.com.ar',
  'mweb.co.za',
  'webmail.co.za',
  'telkomsa.net',
  'vodamail.co.za',
]);

// Second-level public suffixes under which organizations register ("acme.co.uk", not "co.uk").
const SECOND_LEVEL_SUFFIXES = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'me.uk',
  'ltd.uk',
  'plc.uk',
  'net.uk',
  'sch.uk',
  'nhs.uk',
  'police.uk',
  'com.au',
  'net.au',
  'org.au',
  'edu.au',
  'gov.au',
  'asn.au',
  'id.au',
  'co.nz',
  'org.nz',
  'net.nz',
  'ac.nz',
  'govt.nz',
  'school.nz',
  'geek.nz',
  'co.jp',
  'ne.jp',
  'or.jp',
  'ac.jp',
  'go.jp',
  'gr.jp',
  'ed.jp',
  'lg.jp',
  'com.br',
  'net.br',
  'org.br',
  'gov.br',
  'edu.br',
  'art.br',
  'co.za',
  'org.za',
  'gov.za',
  'ac.za',
  'net.za',
  'web.za',
  'com.mx',
  'org.mx',
  'gob.mx',
  'edu.mx',
  'net.mx',
  'co.in',
  'net.in',
  'org.in',
  'firm.in',
  'gen.in',
  'ind.in',
  'ac.in',
  'edu.in',
  'gov.in',
  'res.in',
  'com.cn',
  'net.cn',
  'org.cn',
  'gov.cn',
  'edu.cn',
  'ac.cn',
  'com.hk',
  'org.hk',
  'net.hk',
  'edu.hk',
  'gov.hk',
  'com.tw',
  'org.tw',
  'net.tw',
  'edu.tw',
  'idv.tw',
  'com.sg',
  'org.sg',
  'net.sg',
  'edu.sg',
  'gov.sg',
  'com.my',
  'org.my',
  'net.my',
  'edu.my',
  'com.ph',
  'org.ph',
  'net.ph',
  'co.id',
  'or.id',
  'ac.id',
  'go.id',
  'web.id',
  'co.th',
  'or.th',
  'ac.th',
  'in.th',
  'go.th',
  'com.vn',
  'net.vn',
  'org.vn',
  'co.kr',
  'or.kr',
  'ne.kr',
  'ac.kr',
  'go.kr',
  're.kr',
  'com.pk',
  'org.pk',
  'net.pk',
  'com.bd',
  'com.lk',
  'com.np',
  'co.il',
  'org.il',
  'ac.il',
  'net.il',
  'gov.il',
  'com.tr',
  'org.tr',
  'net.tr',
  'gen.tr',
  'edu.tr',
  'gov.tr',
  'com.sa',
  'org.sa',
  'net.sa',
  'com.eg',
  'org.eg',
  'com.qa',
  'com.kw',
  'com.bh',
  'com.om',
  'co.ae',
  'ac.ae',
  'gov.ae',
  'com.ar',
  'org.ar',
  'net.ar',
  'gob.ar',
  'com.co',
  'org.co',
  'net.co',
  'com.pe',
  'org.pe',
  'com.ve',
  'com.ec',
  'com.uy',
  'com.py',
  'com.bo',
  'cl.cl',
  'com.gt',
  'com.do',
  'com.pr',
  'com.cu',
  'co.ke',
  'or.ke',
  'ac.ke',
  'com.ng',
  'org.ng',
  'com.gh',
  'co.tz',
  'co.ug',
  'co.zw',
  'co.bw',
  'com.na',
  'co.ma',
  'com.ua',
  'org.ua',
  'net.ua',
  'com.pl',
  'org.pl',
  'net.pl',
  'com.ru',
  'org.ru',
  'net.ru',
  'com.es',
  'org.es',
  'nom.es',
  'com.pt',
  'org.pt',
  'com.gr',
  'org.gr',
  'co.at',
  'or.at',
  'gv.at',
  'ac.at',
  'co.hu',
  'com.ro',
  'org.ro',
  'com.cy',
  'com.mt',
  'co.rs',
  'co.me',
  'com.hr',
  'co.it',
  'gouv.fr',
  'asso.fr',
  'com.fr',
  'ac.be',
  'co.no',
  'priv.no',
  'com.de',
]);

/** The registrable part of a domain: "mail.acme.co.uk" -> "acme.co.uk", "eu.support.acme.com" -> "acme.com". */
function registrableDomain(domain: string): string | null {
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  const lastTwo = labels.slice(-2).join('.');
  if (SECOND_LEVEL_SUFFIXES.has(lastTwo)) return labels.length >= 3 ? labels.slice(-3).join('.') : null;
  return lastTwo;
}

function isFreeMail(domain: string, registrable: string): boolean {
  return FREE_MAIL_DOMAINS.has(domain) || FREE_MAIL_DOMAINS.has(registrable);
}

/**
 * The organization an address belongs to: its domain reduced to the registrable part. Null for
 * free-mail and consumer ISP domains (their users are individuals) and for addresses without a
 * usable domain.
 */
export function organizationDomain(address: string): string | null {
  const domain = domainPart(address);
  if (!domain) return null;
  const registrable = registrableDomain(domain);
  if (!registrable || isFreeMail(domain, registrable)) return null;
  return registrable;
}

/** A readable organization name from its domain: "acme-tools.co.uk" -> "Acme Tools". */
export function organizationNameFromDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/^.*@/, '').replace(/\.$/, '');
  const registrable = registrableDomain(d) ?? d;
  const label = registrable.split('.')[0] ?? '';
  const words = label.split(/[-_]+/).filter(Boolean);
  if (words.length === 0) return domain.trim();
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

// ---------------------------------------------------------------------------------------------
// First names

// Local parts that name a function, not a person: never greeted by name.
const ROLE_LOCALS = new Set([
  'info',
  'information',
  'support',
  'sales',
  'admin',
  'administrator',
  'office',
  'contact',
  'contacts',
  'hello',
  'hi',
  'hey',
  'team',
  'billing',
  'accounts',
  'accounting',
  'account',
  'finance',
  'invoices',
  'invoice',
  'payments',
  'orders',
  'order',
  'shop',
  'store',
  'help',
  'helpdesk',
  'service',
  'services',
  'customerservice',
  'customer',
  'customers',
  'care',
  'enquiries',
  'enquiry',
  'inquiries',
  'inquiry',
  'mail',
  'email',
  'post',
  'reception',
  'frontdesk',
  'hr',
  'jobs',
  'careers',
  'recruitment',
  'marketing',
  'press',
  'media',
  'pr',
  'purchasing',
  'procurement',
  'buying',
  'bookings',
  'booking',
  'reservations',
  'kitchen',
  'webmaster',
  'postmaster',
  'hostmaster',
  'abuse',
  'security',
  'legal',
  'privacy',
  'compliance',
  'it',
  'tech',
  'dev',
  'ops',
  'operations',
  'management',
  'manager',
  'director',
  'owner',
  'studio',
  'general',
  'main',
  'mailbox',
  'home',
  'family',
  'noreply',
  'no-reply',
  'newsletter',
  'news',
  'events',
  'shipping',
  'returns',
  'logistics',
  'warehouse',
  'wholesale',
  'trade',
  'partners',
  'feedback',
  'office1',
  'staff',
  'all',
  'everyone',
  'us',
]);

// Words that make a display name a company's or a team's rather than a person's ("Acme Support").
const COMPANY_WORDS = new Set([
  'info',
  'support',
  'sales',
  'admin',
  'office',
  'contact',
  'team',
  'billing',
  'accounts',
  'accounting',
  'finance',
  'invoices',
  'payments',
  'orders',
  'help',
  'helpdesk',
  'service',
  'services',
  'customer',
  'customers',
  'care',
  'enquiries',
  'inquiries',
  'reception',
  'frontdesk',
  'marketing',
  'press',
  'purchasing',
  'procurement',
  'bookings',
  'reservations',
  'webmaster',
  'postmaster',
  'noreply',
  'no-reply',
  'newsletter',
  'shipping',
  'returns',
  'logistics',
  'warehouse',
  'wholesale',
  'feedback',
  'staff',
  'family',
  'department',
  'dept',
  'desk',
  'helpline',
  'hotline',
  'notifications',
  'updates',
  'alerts',
  'bot',
  'daemon',
  'system',
  'automated',
  'unknown',
  'ltd',
  'limited',
  'llc',
  'llp',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'gmbh',
  'ag',
  'kg',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'pty',
  'plc',
  'ab',
  'oy',
  'group',
  'holdings',
  'restaurant',
  'trattoria',
  'cafe',
  'café',
  'bakery',
  'bistro',
  'kitchens',
  'kitchenware',
  'agency',
  'labs',
  'solutions',
  'systems',
  'supplies',
  'supply',
  'trading',
  'enterprises',
  'industries',
  'international',
  'foundation',
  'association',
  'society',
  'club',
  'school',
  'academy',
  'university',
  'college',
  'hotel',
  'hotels',
  'inn',
  'store',
  'stores',
  'shop',
  'shops',
  'market',
  'online',
]);

// Titles before a name ("Dr. Maria Lopez"): skipped.
const TITLES = new Set([
  'dr',
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'prof',
  'professor',
  'sir',
  'dame',
  'lady',
  'lord',
  'rev',
  'revd',
  'reverend',
  'fr',
  'father',
  'sister',
  'capt',
  'captain',
  'herr',
  'frau',
  'sr',
  'sra',
  'srta',
  'mme',
  'mlle',
  'dott',
  'dssa',
  'ing',
  'mag',
  'dipl',
]);

// Greeting someone by one of these would be worse than a plain "Hello".
const NOT_A_FIRST_NAME = new Set([...PLACEHOLDER_NAMES, ...TITLES, 'dear', 'hello', 'hi', 'hey', 'madam', 'the', 'team', 'admin', 'support']);

function fixCase(word: string): string {
  return isAllCaps(word) || isAllLower(word) ? titleCase(word) : word;
}

const INITIAL = /^\p{L}\.?$/u;

function firstNameFromName(name: string, address: string): string | null | undefined {
  const cleaned = cleanName(name);
  if (!isUsableName(cleaned, address)) return undefined;
  const words = cleaned.split(' ');
  const plain = words.map((w) =>
    w
      .toLowerCase()
      .replace(/[.,;:!?'’()]+$/g, '')
      .replace(/^[('’]+/, ''),
  );
  if (plain.some((w) => COMPANY_WORDS.has(w))) return null;
  // "Bluebottle" writing from hello@bluebottle.com is the company, not a person called Bluebottle.
  const domain = domainPart(address);
  if (domain && organizationDomain(address) && cleaned.toLowerCase() === organizationNameFromDomain(domain).toLowerCase()) return null;
  let i = 0;
  while (i < words.length - 1 && TITLES.has(plain[i]!)) i++;
  // "Dr. Okafor", "Mrs Smith": a title and one word is a surname.
  if (i > 0 && i === words.length - 1) return null;
  // An initial is no name to greet by: "J. Dana Okafor" -> "Dana", but "J. Okafor" -> null.
  const afterTitles = i;
  while (i < words.length && INITIAL.test(words[i]!)) i++;
  if (i >= words.length || (i > afterTitles && i === words.length - 1)) return null;
  const first = words[i]!.replace(/[.,;:!?]+$/, '');
  if (!/^\p{L}[\p{L}\p{M}'’-]*$/u.test(first) || NOT_A_FIRST_NAME.has(first.toLowerCase())) return null;
  return fixCase(first);
}

function firstNameFromAddress(address: string): string | null {
  const local = localPart(address).replace(/\+.*$/, '');
  if (!local || ROLE_LOCALS.has(local)) return null;
  // Only "first.last" style local parts tell a first name; "jdoe" or "dana85" cannot be read safely.
  const parts = local.split(/[._-]+/).filter(Boolean);
  if (parts.length < 2 || parts.some((p) => ROLE_LOCALS.has(p) || COMPANY_WORDS.has(p))) return null;
  const first = parts[0]!;
  if (!/^\p{L}{2,}$/u.test(first) || NOT_A_FIRST_NAME.has(first) || !parts.slice(1).some((p) => /^\p{L}/u.test(p))) return null;
  return titleCase(first);
}

/**
 * The first name to greet someone by, or null when it cannot be told safely. From the display name
 * when it names a person ("Okafor, Dana" -> "Dana", "Dr. Maria Lopez" -> "Maria", "MARIA LOPEZ" ->
 * "Maria"); null when it names a company or team ("Acme Support", "Fernhill Ltd"). Without a usable
 * name, from a "first.last" address ("dana.okafor@x.com" -> "Dana"), never from role addresses
 * (info@, support@...) or local parts that cannot be read ("jdoe@").
 */
export function firstNameOf(name: string | null, address: string): string | null {
  const fromName = name ? firstNameFromName(name, address) : undefined;
  if (fromName !== undefined) return fromName;
  const addr = address.includes('@') ? address : name && EMAIL_IN_TEXT.exec(name)?.[0];
  return addr ? firstNameFromAddress(addr) : null;
}

/** What decides whether an address may be a customer: our own addresses never are. */
export interface CustomerRules {
  ours: { has(address: string): boolean };
  plusTagDomains: string[];
}

/** The address as we key customers by it, or null when it must never become a customer. */
export function customerAddress(address: string, rules: CustomerRules): string | null {
  const normalized = normalizeAddress(address, { stripPlusTagDomains: rules.plusTagDomains });
  if (!normalized || rules.ours.has(normalized) || isMailerDaemon(normalized) || isNoReply(normalized)) return null;
  return normalized;
}
