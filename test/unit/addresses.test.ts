import { describe, expect, it } from 'vitest';
import {
  bestDisplayName,
  FREE_MAIL_DOMAINS,
  firstNameOf,
  isMailerDaemon,
  isNoReply,
  normalizeAddress,
  organizationDomain,
  organizationNameFromDomain,
} from '../../core/customers/addresses.ts';

const none = { stripPlusTagDomains: [] };

describe('normalizeAddress', () => {
  it('trims, removes angle brackets and lower-cases', () => {
    expect(normalizeAddress('  <Dana.Okafor@Fernhill.EXAMPLE> ', none)).toBe('dana.okafor@fernhill.example');
    expect(normalizeAddress('mailto:Sam@fernhill.example', none)).toBe('sam@fernhill.example');
    expect(normalizeAddress('ruth@calloway-cookery.example.', none)).toBe('ruth@calloway-cookery.example');
  });

  it('strips a +tag only for the configured domains', () => {
    const opts = { stripPlusTagDomains: ['gmail.com', 'fastmail.com'] };
    expect(normalizeAddress('Ben.Oduya+fernhill@gmail.com', opts)).toBe('ben.oduya@gmail.com');
    expect(normalizeAddress('ben+orders@fastmail.com', opts)).toBe('ben@fastmail.com');
    expect(normalizeAddress('ben+orders@oduya.example', opts)).toBe('ben+orders@oduya.example');
    expect(normalizeAddress('ben+orders@gmail.com', none)).toBe('ben+orders@gmail.com');
    // Nothing would be left of the local part: keep it as it is.
    expect(normalizeAddress('+orders@gmail.com', opts)).toBe('+orders@gmail.com');
  });

  it.each([
    [''],
    ['dana'],
    ['@fernhill.example'],
    ['dana@'],
    ['dana@localhost'],
    ['dana@@fernhill.example'],
    ['dana@fernhill..example'],
    ['.dana@fernhill.example'],
    ['dana..okafor@fernhill.example'],
    ['dana okafor@fernhill.example'],
    ['Dana Okafor <dana@fernhill.example>'],
    ['dana@fernhill.example, sam@fernhill.example'],
    ['dana@-fernhill.example'],
    ['dana@fernhill.e'],
    ['dana@[192.168.0.1]'],
    [`${'a'.repeat(65)}@fernhill.example`],
  ])('rejects %j', (input) => {
    expect(normalizeAddress(input, none)).toBeNull();
  });

  it('accepts internationalized and unusual but valid addresses', () => {
    expect(normalizeAddress('jörg.müller@bäckerei.example', none)).toBe('jörg.müller@bäckerei.example');
    expect(normalizeAddress("o'neil@xn--bcher-kva.example", none)).toBe("o'neil@xn--bcher-kva.example");
    expect(normalizeAddress('a_b-c=d@mail.acme.co.uk', none)).toBe('a_b-c=d@mail.acme.co.uk');
  });
});

describe('isMailerDaemon', () => {
  it.each([
    'MAILER-DAEMON@mx1.fernhill.example',
    'mailer-daemon@googlemail.com',
    'MAILER-DAEMON',
    'mailer_daemon@x.example',
    'postmaster@outlook.com',
    'bounce@lists.example',
    'bounces@lists.example',
    'bounces+SRS=abc@lists.example',
    'bounce-mc.us5_12345.678-ruth=calloway-cookery.example@mail123.mcsv.net',
    'double-bounce@mail.example',
  ])('%s is a mailer daemon', (address) => {
    expect(isMailerDaemon(address)).toBe(true);
  });

  it.each(['dana@fernhill.example', 'bouncer@castle.example', 'bouncy.castle@x.example', 'post@x.example', 'daemon.fan@x.example'])('%s is a person', (address) => {
    expect(isMailerDaemon(address)).toBe(false);
  });
});

describe('isNoReply', () => {
  it.each([
    'noreply@shop.example',
    'no-reply@accounts.example',
    'no_reply@bank.example',
    'No.Reply@bank.example',
    'donotreply@carrier.example',
    'do-not-reply@carrier.example',
    'do_not_reply@carrier.example',
    'calendar-noreply@google.com',
    'noreply-dmarc-support@google.com',
    'notifications@github.com',
    'notifications+abc123@tracker.example',
    'notification@bank.example',
    'alerts@monitoring.example',
    'security-alerts@bank.example',
    'newsletter@cooksledger.example',
    'auto-confirm@amazon.example',
  ])('%s is automated', (address) => {
    expect(isNoReply(address)).toBe(true);
  });

  it.each([
    'info@trattoria-marchetti.example',
    'support@acme.example',
    'sales@acme.example',
    'news@localpaper.example',
    'hello@bluebottle.example',
    'noreen@x.example',
    'replies@x.example',
    'dana@fernhill.example',
  ])('%s may be a person', (address) => {
    expect(isNoReply(address)).toBe(false);
  });
});

describe('bestDisplayName', () => {
  it('prefers a full, properly capitalized name over an address, the local part or a single word', () => {
    expect(bestDisplayName(['dana.okafor@gmail.com', 'dana.okafor', 'Dana', 'Dana Okafor'], 'dana.okafor@gmail.com')).toBe('Dana Okafor');
    expect(bestDisplayName(['Dana Okafor', 'Dana'], 'd@x.example')).toBe('Dana Okafor');
  });

  it('prefers proper capitalization, and fixes the case when only shouting or lower case was seen', () => {
    expect(bestDisplayName(['ROBERT MACKIE', 'Robert Mackie'], 'rmackie@mackie-farm.example')).toBe('Robert Mackie');
    expect(bestDisplayName(['Robert Mackie', 'robert mackie'], 'rmackie@mackie-farm.example')).toBe('Robert Mackie');
    expect(bestDisplayName(['ROBERT MACKIE'], 'rmackie@mackie-farm.example')).toBe('Robert Mackie');
    expect(bestDisplayName(['anne-marie van der berg'], 'amvdb@x.example')).toBe('Anne-Marie van der Berg');
    expect(bestDisplayName(["SEAN O'NEIL"], 'sean@x.example')).toBe("Sean O'Neil");
  });

  it('keeps names that carry their own capitalization', () => {
    expect(bestDisplayName(['Mary McDonald'], 'm@x.example')).toBe('Mary McDonald');
    expect(bestDisplayName(['王伟'], 'wang.wei@x.example')).toBe('王伟');
  });

  it('turns "Last, First" around', () => {
    expect(bestDisplayName(['Okafor, Dana'], 'dana@x.example')).toBe('Dana Okafor');
    expect(bestDisplayName(['"Nair, Priya"'], 'priya.nair@harbourhotels.example')).toBe('Priya Nair');
    expect(bestDisplayName(['Lopez Garcia, Maria'], 'm@x.example')).toBe('Maria Lopez Garcia');
  });

  it('leaves commas that are not "Last, First" alone', () => {
    expect(bestDisplayName(['Acme, Inc.'], 'hello@acme.example')).toBe('Acme, Inc.');
    expect(bestDisplayName(['Dana Okafor, Owner'], 'dana@x.example')).toBe('Dana Okafor, Owner');
    expect(bestDisplayName(['Smith, Jr.'], 'j@x.example')).toBe('Smith, Jr.');
  });

  it('strips quotes and "via" suffixes', () => {
    expect(bestDisplayName(['"Dana Okafor"'], 'd@x.example')).toBe('Dana Okafor');
    expect(bestDisplayName(['“Dana Okafor”'], 'd@x.example')).toBe('Dana Okafor');
    expect(bestDisplayName(["'Julia Marchetti' via Trattoria Staff"], 'julia@trattoria-marchetti.example')).toBe('Julia Marchetti');
    expect(bestDisplayName(['Julia Marchetti (via Google Docs)'], 'julia@trattoria-marchetti.example')).toBe('Julia Marchetti');
    expect(bestDisplayName(['Olivia Viaud'], 'o@x.example')).toBe('Olivia Viaud');
  });

  it('drops an address written inside the name', () => {
    expect(bestDisplayName(['Dana Okafor <dana@x.example>'], 'dana@x.example')).toBe('Dana Okafor');
    expect(bestDisplayName(['Dana Okafor (dana@x.example)'], 'dana@x.example')).toBe('Dana Okafor');
  });

  it('returns null when no name is usable', () => {
    expect(bestDisplayName([], 'ben.oduya@gmail.com')).toBeNull();
    expect(bestDisplayName(['', '   ', '""'], 'ben.oduya@gmail.com')).toBeNull();
    expect(bestDisplayName(['ben.oduya@gmail.com', 'ben.oduya', 'BEN.ODUYA'], 'ben.oduya@gmail.com')).toBeNull();
    expect(bestDisplayName(['jdoe'], 'jdoe+shop@x.example')).toBeNull();
    expect(bestDisplayName(['Unknown', 'Customer', '???'], 'a@x.example')).toBeNull();
  });

  it('lets a later name win a tie', () => {
    expect(bestDisplayName(['Dana Okafor', 'Dana Okafor-Reyes'], 'd@x.example')).toBe('Dana Okafor-Reyes');
  });
});

describe('FREE_MAIL_DOMAINS', () => {
  it.each([
    'gmail.com',
    'googlemail.com',
    'outlook.com',
    'hotmail.co.uk',
    'hotmail.fr',
    'live.de',
    'msn.com',
    'yahoo.co.jp',
    'yahoo.com.br',
    'ymail.com',
    'icloud.com',
    'me.com',
    'mac.com',
    'aol.com',
    'proton.me',
    'protonmail.com',
    'pm.me',
    'gmx.de',
    'gmx.net',
    'web.de',
    't-online.de',
    'mail.ru',
    'yandex.ru',
    'qq.com',
    '163.com',
    '126.com',
    'zoho.com',
    'fastmail.com',
    'hey.com',
    'tutanota.com',
    'orange.fr',
    'free.fr',
    'laposte.net',
    'libero.it',
    'seznam.cz',
    'wp.pl',
    'o2.pl',
    'btinternet.com',
    'comcast.net',
    'verizon.net',
    'att.net',
    'sbcglobal.net',
    'naver.com',
  ])('lists %s', (domain) => {
    expect(FREE_MAIL_DOMAINS.has(domain)).toBe(true);
  });

  it('does not list company domains or look-alikes', () => {
    for (const domain of ['fernhill.example', 'yahoo-tools.com', 'livemail.example', 'gmail.example', 'acme.co.uk']) expect(FREE_MAIL_DOMAINS.has(domain)).toBe(false);
  });

  it('holds only lower-case domains', () => {
    for (const domain of FREE_MAIL_DOMAINS) expect(domain).toBe(domain.toLowerCase().trim());
  });
});

describe('organizationDomain', () => {
  it.each([
    ['dana@fernhill.example', 'fernhill.example'],
    ['ops@mail.acme.co.uk', 'acme.co.uk'],
    ['someone@eu.support.acme.com', 'acme.com'],
    ['julia@trattoria-marchetti.example', 'trattoria-marchetti.example'],
    ['a@shop.acme.com.au', 'acme.com.au'],
    ['a@acme.co.jp', 'acme.co.jp'],
    ['a@loja.acme.com.br', 'acme.com.br'],
    ['a@acme.co.nz', 'acme.co.nz'],
    ['a@charity.org.uk', 'charity.org.uk'],
    ['a@cs.ox.ac.uk', 'ox.ac.uk'],
    ['a@hmrc.gov.uk', 'hmrc.gov.uk'],
    ['a@acme.co.za', 'acme.co.za'],
    ['a@tienda.acme.com.mx', 'acme.com.mx'],
    ['<A@Mail.ACME.Co.UK>', 'acme.co.uk'],
  ])('%s -> %s', (address, expected) => {
    expect(organizationDomain(address)).toBe(expected);
  });

  it.each([
    'ben.oduya@gmail.com',
    'aisha@googlemail.com',
    'someone@hotmail.co.uk',
    'someone@mail.yahoo.co.uk',
    'camille@orange.fr',
    'lukas@web.de',
    'nobody',
    'someone@',
    'someone@localhost',
    'someone@co.uk',
  ])('%s has no organization', (address) => {
    expect(organizationDomain(address)).toBeNull();
  });
});

describe('organizationNameFromDomain', () => {
  it.each([
    ['fernhill.example', 'Fernhill'],
    ['acme-tools.co.uk', 'Acme Tools'],
    ['bluebottle.com', 'Bluebottle'],
    ['mail.acme.co.uk', 'Acme'],
    ['harbour_hotels.com.au', 'Harbour Hotels'],
    ['Trattoria-Marchetti.example', 'Trattoria Marchetti'],
    ['support@fernhill.example', 'Fernhill'],
  ])('%s -> %s', (domain, expected) => {
    expect(organizationNameFromDomain(domain)).toBe(expected);
  });
});

describe('firstNameOf', () => {
  it.each([
    ['Dana Okafor', 'dana@fernhill.example', 'Dana'],
    ['Okafor, Dana', 'dana@fernhill.example', 'Dana'],
    ['"Nair, Priya"', 'priya.nair@harbourhotels.example', 'Priya'],
    ['Dr. Maria Lopez', 'maria@x.example', 'Maria'],
    ['Prof Maria Lopez', 'maria@x.example', 'Maria'],
    ['MARIA LOPEZ', 'maria@x.example', 'Maria'],
    ['maria lopez', 'maria@x.example', 'Maria'],
    ['anne-marie o’neil', 'am@x.example', 'Anne-Marie'],
    ['Mary McDonald', 'mary@x.example', 'Mary'],
    ['J. Dana Okafor', 'jd@x.example', 'Dana'],
    ['Dana Okafor, Owner', 'dana@fernhill.example', 'Dana'],
    ["'Julia Marchetti' via Trattoria Staff", 'julia@trattoria-marchetti.example', 'Julia'],
    ['Herr Lukas Brandt', 'lukas.brandt@web.de', 'Lukas'],
    ['Ruth', 'ruth.c@calloway-cookery.example', 'Ruth'],
  ])('%s <%s> -> %s', (name, address, expected) => {
    expect(firstNameOf(name, address)).toBe(expected);
  });

  it('reads a first.last address when there is no usable name', () => {
    expect(firstNameOf(null, 'dana.okafor@x.com')).toBe('Dana');
    expect(firstNameOf(null, 'ben_oduya@gmail.com')).toBe('Ben');
    expect(firstNameOf(null, 'ben.oduya85@gmail.com')).toBe('Ben');
    expect(firstNameOf('', 'dana.okafor@x.com')).toBe('Dana');
    expect(firstNameOf('dana.okafor@x.com', 'dana.okafor@x.com')).toBe('Dana');
    expect(firstNameOf('dana.okafor', 'dana.okafor@x.com')).toBe('Dana');
    expect(firstNameOf('ben.oduya@gmail.com', '')).toBe('Ben');
  });

  it.each([
    [null, 'jdoe@x.com'],
    ['jdoe', 'jdoe@x.com'],
    [null, 'dana@x.com'],
    [null, 'd.okafor@x.com'],
    [null, 'dana.1985@x.com'],
    [null, 'dr.okafor@x.com'],
    ['jdoe@x.com', 'jdoe@x.com'],
  ])('cannot tell for %s <%s>', (name, address) => {
    expect(firstNameOf(name, address)).toBeNull();
  });

  it.each(['info', 'support', 'sales', 'admin', 'office', 'contact', 'hello', 'team', 'billing', 'accounts', 'orders', 'enquiries'])('never greets %s@ by name', (local) => {
    expect(firstNameOf(null, `${local}@acme.example`)).toBeNull();
    expect(firstNameOf(`${local}@acme.example`, `${local}@acme.example`)).toBeNull();
  });

  it('does not read role words out of dotted addresses', () => {
    expect(firstNameOf(null, 'sales.team@acme.example')).toBeNull();
    expect(firstNameOf(null, 'support.uk@acme.example')).toBeNull();
  });

  it.each([
    ['Acme Support', 'dana.okafor@acme.example'],
    ['Fernhill Ltd', 'hello@fernhill.example'],
    ['Trattoria Marchetti', 'info@trattoria-marchetti.example'],
    ['Harbour Hotels Group', 'priya.nair@harbourhotels.example'],
    ['Customer Service', 'care@shop.example'],
    ['Bluebottle', 'hello@bluebottle.com'],
    ['The Okafor Family', 'home@okafor.example'],
  ])('company-like name %s -> null', (name, address) => {
    expect(firstNameOf(name, address)).toBeNull();
  });

  it('never greets someone as "Customer", by a title, a surname or an initial', () => {
    expect(firstNameOf('Customer', 'a@x.example')).toBeNull();
    expect(firstNameOf('Unknown', 'a@x.example')).toBeNull();
    expect(firstNameOf('Dr. Okafor', 'a@x.example')).toBeNull();
    expect(firstNameOf('Mrs Smith', 'a@x.example')).toBeNull();
    expect(firstNameOf('J. Okafor', 'a@x.example')).toBeNull();
    expect(firstNameOf('J', 'a@x.example')).toBeNull();
    expect(firstNameOf('Hi', 'a@x.example')).toBeNull();
  });

  it('keeps names in scripts without case', () => {
    expect(firstNameOf('王伟', 'w@x.example')).toBe('王伟');
  });
});
