/**
 * Fetches an image a message links to, on a reader's behalf, so the sender sees our server and never
 * the reader. It must not become a way into our own network (SSRF): only http(s), only to public
 * addresses, checked after name resolution and connected to exactly the address that was checked (a
 * second lookup could answer differently), redirects checked the same way, size and time bounded,
 * nothing of the reader sent along, and only bytes that really are a raster image passed back.
 */
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { RemoteImageError } from '../errors.ts';

export interface RemoteHost {
  address: string;
  port: number;
}

/** Where a host name leads and which addresses may be contacted; tests put a local "remote" site behind it. */
export interface ImageNetwork {
  resolve(hostname: string, port: number): Promise<RemoteHost[]>;
  allows(address: string): boolean;
}

export interface RemoteImageLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_IMAGE_LIMITS: Readonly<RemoteImageLimits> = Object.freeze({ maxBytes: 5 * 1024 * 1024, timeoutMs: 10_000, maxRedirects: 3 });

export interface RemoteImage {
  /** Taken from the bytes, not from what the server said. */
  contentType: string;
  body: Buffer;
}

/** Loopback, private, link-local (cloud metadata at 169.254.169.254 included), shared, reserved and documentation ranges. */
const NOT_PUBLIC = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC.addSubnet(net6, bits, 'ipv6');

/**
 * True for an address on the public internet. An IPv6 address carrying an IPv4 one (mapped ::ffff:0:0/96,
 * compatible ::/96, translated ::ffff:0:0:0/96, NAT64 64:ff9b::/96) is judged as that IPv4 address, however
 * it is written: `::7f00:1` is 127.0.0.1.
 */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  const carried = carriedIpv4(ipv6Groups(address));
  if (carried) return !NOT_PUBLIC.check(carried, 'ipv4');
  return !NOT_PUBLIC.check(address, 'ipv6');
}

/** The eight 16-bit groups of a valid IPv6 address, a dotted IPv4 tail included. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function carriedIpv4(g: number[]): string | null {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const mapped = zeros(0, 5) && g[5] === 0xffff;
  const translated = zeros(0, 4) && g[4] === 0xffff && g[5] === 0;
  // ::/96 without :: and ::1 themselves, which the IPv6 list already refuses.
  const compatible = zeros(0, 6) && (g[6]! !== 0 || g[7]! > 1);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6);
  if (!mapped && !translated && !compatible && !nat64) return null;
  return [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.');
}

export const publicInternet: ImageNetwork = {
  async resolve(hostname, port) {
    if (net.isIP(hostname)) return [{ address: hostname, port }];
    const found = await dns.lookup(hostname, { all: true, verbatim: true });
    return found.map((a) => ({ address: a.address, port }));
  },
  allows: isPublicAddress,
};

/** Raster images a browser shows without running anything; SVG is never among them. */
const SIGNATURES: Array<{ type: string; test: (b: Buffer) => boolean }> = [
  { type: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', test: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')) },
  { type: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  { type: 'image/avif', test: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' && /^avi[fs]$/.test(b.subarray(8, 12).toString('latin1')) },
  { type: 'image/bmp', test: (b) => b.subarray(0, 2).toString('latin1') === 'BM' },
];

export async function fetchRemoteImage(url: string, network: ImageNetwork = publicInternet, limits: RemoteImageLimits = DEFAULT_IMAGE_LIMITS): Promise<RemoteImage> {
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  let current = url;
  for (let hop = 0; ; hop++) {
    const answer = await get(current, network, limits, deadline);
    if ('redirect' in answer) {
      if (hop >= limits.maxRedirects) throw new RemoteImageError(`more than ${limits.maxRedirects} redirects`, false);
      current = answer.redirect;
      continue;
    }
    return answer;
  }
}

async function get(raw: string, network: ImageNetwork, limits: RemoteImageLimits, signal: AbortSignal): Promise<RemoteImage | { redirect: string }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RemoteImageError('not a URL', true);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteImageError(`${url.protocol} is not fetched, only http and https`, true);
  if (url.username || url.password) throw new RemoteImageError('URLs with credentials are not fetched', true);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  let hosts: RemoteHost[];
  try {
    hosts = await network.resolve(hostname, port);
  } catch {
    throw new RemoteImageError(`${hostname} could not be resolved`, false);
  }
  // One address that is not public and the whole name is refused: it may be aimed at us.
  if (hosts.length === 0 || hosts.some((h) => !network.allows(h.address))) throw new RemoteImageError(`${hostname} is not a public address`, true);
  const target = hosts[0]!;

  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const options: https.RequestOptions = {
      host: target.address,
      port: target.port,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      // Nothing of the reader: no cookie, no referrer, no browser's user agent.
      headers: { host: url.host, accept: 'image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9', 'user-agent': 'Longhand image proxy' },
      agent: false,
      signal,
      ...(url.protocol === 'https:' && !net.isIP(hostname) ? { servername: hostname } : {}),
    };
    const req = (url.protocol === 'https:' ? https : http).request(options, resolve);
    req.on('error', (err) => reject(new RemoteImageError(signal.aborted ? 'the remote server took too long' : `the remote server could not be reached (${err.message})`, false)));
    req.end();
  });

  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400 && response.headers.location) {
    response.resume();
    return { redirect: new URL(response.headers.location, url).href };
  }
  if (status !== 200) {
    response.resume();
    throw new RemoteImageError(`the remote server answered ${status}`, false);
  }
  const declared = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!declared.startsWith('image/') || declared.includes('svg')) {
    response.resume();
    throw new RemoteImageError(`${declared || 'no content type'} is not an image we pass on`, true);
  }
  if (Number(response.headers['content-length'] ?? 0) > limits.maxBytes) {
    response.destroy();
    throw new RemoteImageError(`the image is over ${limits.maxBytes} bytes`, false);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      size += (chunk as Buffer).length;
      if (size > limits.maxBytes) {
        response.destroy();
        throw new RemoteImageError(`the image is over ${limits.maxBytes} bytes`, false);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof RemoteImageError) throw err;
    throw new RemoteImageError(signal.aborted ? 'the remote server took too long' : 'the remote server broke off', false);
  }
  const body = Buffer.concat(chunks);
  const kind = SIGNATURES.find((s) => s.test(body));
  if (!kind) throw new RemoteImageError('the bytes are not an image we pass on', true);
  return { contentType: kind.type, body };
}
