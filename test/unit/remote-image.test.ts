import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteImageError } from '../../core/errors.ts';
import { fetchRemoteImage, type ImageNetwork, isPublicAddress, publicInternet } from '../../core/mail/remote-image.ts';
import { urlSigner } from '../../server/signed-urls.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('isPublicAddress', () => {
  it('refuses loopback, private, link-local, metadata, shared, multicast and documentation addresses', () => {
    for (const a of [
      '127.0.0.1',
      '127.8.9.10',
      '0.0.0.0',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '192.0.2.5',
      '198.18.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:a9fe:a9fe',
      'fe80::1',
      'fd00:ec2::254',
      'fc00::1',
      'ff02::1',
      '2001:db8::1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
      'not-an-ip',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });

  it('judges an IPv4 address carried inside IPv6 (mapped, compatible, translated, NAT64) as that IPv4 address', () => {
    for (const a of [
      '::7f00:1',
      '::ffff:0:7f00:1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:127.0.0.1',
      '::127.0.0.1',
      '::a9fe:a9fe',
      '::ffff:0:a00:1',
      '64:ff9b::a00:1',
      '64:FF9B::192.168.0.1',
      '::0:0:7f00:1',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    for (const a of ['::ffff:101:101', '::ffff:1.1.1.1', '64:ff9b::101:101']) expect(isPublicAddress(a), a).toBe(true);
  });

  it('allows public addresses', () => {
    for (const a of ['93.184.215.14', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) expect(isPublicAddress(a), a).toBe(true);
  });
});

describe('fetchRemoteImage', () => {
  let server: http.Server;
  let port = 0;
  const seen: http.IncomingHttpHeaders[] = [];
  /** A "remote" site on loopback: the network below sends every host name there and allows only it. */
  let network: ImageNetwork;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      const path = new URL(req.url ?? '/', 'http://remote').pathname;
      if (path === '/pixel.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      if (path === '/mislabelled.jpg') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(PNG);
      if (path === '/logo.svg') return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg onload="alert(1)"/>');
      if (path === '/page.png') return res.writeHead(200, { 'content-type': 'text/html' }).end('<script>alert(1)</script>');
      if (path === '/html-as-png') return res.writeHead(200, { 'content-type': 'image/png' }).end('<script>alert(1)</script>');
      if (path === '/huge.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.concat([PNG, Buffer.alloc(200_000)]));
      if (path === '/endless.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(PNG);
        const timer = setInterval(() => res.write(Buffer.alloc(10_000)), 5);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (path === '/slow.png') return void setTimeout(() => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG), 2_000);
      if (path === '/to-pixel') return res.writeHead(302, { location: '/pixel.png' }).end();
      if (path === '/to-loopback') return res.writeHead(302, { location: `http://127.0.0.1:${port}/pixel.png` }).end();
      if (path === '/loop') return res.writeHead(302, { location: '/loop' }).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
    port = (server.address() as AddressInfo).port;
    network = {
      resolve: async (hostname) => (hostname.endsWith('.example') ? [{ address: '127.0.0.2', port }] : publicInternet.resolve(hostname, port)),
      allows: (address) => address === '127.0.0.2' || isPublicAddress(address),
    };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (err: unknown) => (err instanceof RemoteImageError ? { refused: err.refused, message: err.message } : err),
    );

  it('fetches an image, typed by its bytes, sending nothing of the reader', async () => {
    seen.length = 0;
    const image = await fetchRemoteImage('http://images.shop.example/pixel.png?id=7', network);
    expect(image).toEqual({ contentType: 'image/png', body: PNG });
    expect(seen[0]).toMatchObject({ host: 'images.shop.example', 'user-agent': 'Longhand image proxy' });
    expect(seen[0]!.cookie).toBeUndefined();
    expect(seen[0]!.referer).toBeUndefined();
    expect((await fetchRemoteImage('http://images.shop.example/mislabelled.jpg', network)).contentType).toBe('image/png');
  });

  it('follows a redirect to a public address and refuses one to a private address', async () => {
    expect((await fetchRemoteImage('http://images.shop.example/to-pixel', network)).body).toEqual(PNG);
    expect(await failure(fetchRemoteImage('http://images.shop.example/to-loopback', network))).toEqual({ refused: true, message: '127.0.0.1 is not a public address' });
    expect(await failure(fetchRemoteImage('http://images.shop.example/loop', network))).toEqual({ refused: false, message: 'more than 3 redirects' });
  });

  it('refuses SVG, HTML and bytes that are not an image whatever their label', async () => {
    expect(await failure(fetchRemoteImage('http://images.shop.example/logo.svg', network))).toMatchObject({ refused: true });
    expect(await failure(fetchRemoteImage('http://images.shop.example/page.png', network))).toMatchObject({ refused: true });
    expect(await failure(fetchRemoteImage('http://images.shop.example/html-as-png', network))).toEqual({ refused: true, message: 'the bytes are not an image we pass on' });
  });

  it('stops at the size limit and the time limit', async () => {
    const limits = { maxBytes: 100_000, timeoutMs: 500, maxRedirects: 3 };
    expect(await failure(fetchRemoteImage('http://images.shop.example/huge.png', network, limits))).toEqual({ refused: false, message: 'the image is over 100000 bytes' });
    expect(await failure(fetchRemoteImage('http://images.shop.example/endless.png', network, limits))).toMatchObject({ refused: false });
    expect(await failure(fetchRemoteImage('http://images.shop.example/slow.png', network, limits))).toEqual({ refused: false, message: 'the remote server took too long' });
  });

  it('on the real network, refuses our own machine and other schemes before connecting', async () => {
    seen.length = 0;
    for (const url of [
      `http://127.0.0.2:${port}/pixel.png`,
      `http://127.0.0.1:${port}/pixel.png`,
      `http://[::1]:${port}/pixel.png`,
      `http://[::ffff:127.0.0.2]:${port}/pixel.png`,
      `http://0x7f000002:${port}/pixel.png`,
      `http://0.0.0.0:${port}/pixel.png`,
      `http://localhost:${port}/pixel.png`,
    ]) {
      expect(await failure(fetchRemoteImage(url, publicInternet)), url).toMatchObject({ refused: true });
    }
    for (const url of ['file:///etc/passwd', 'ftp://images.shop.example/a.png', 'gopher://x.example/', 'http://user:pass@images.shop.example/pixel.png']) {
      expect(await failure(fetchRemoteImage(url, network)), url).toMatchObject({ refused: true });
    }
    expect(seen).toEqual([]);
  });
});

describe('urlSigner', () => {
  it('accepts its own signature until it expires, for that purpose and value only', () => {
    const signer = urlSigner('session-secret');
    const now = new Date('2026-03-02T10:00:00Z');
    const { e, s } = signer.sign('image-proxy', 'https://a.example/x.png', now);
    expect(signer.verify('image-proxy', 'https://a.example/x.png', e, s, now)).toBe(true);
    expect(signer.verify('image-proxy', 'https://a.example/y.png', e, s, now)).toBe(false);
    expect(signer.verify('inline-image', 'https://a.example/x.png', e, s, now)).toBe(false);
    expect(signer.verify('image-proxy', 'https://a.example/x.png', String(Number(e) + 1), s, now)).toBe(false);
    expect(signer.verify('image-proxy', 'https://a.example/x.png', e, s, new Date(now.getTime() + 2 * 3600_000))).toBe(false);
    expect(urlSigner('another-secret').verify('image-proxy', 'https://a.example/x.png', e, s, now)).toBe(false);
    expect(signer.verify('image-proxy', 'https://a.example/x.png', e, undefined, now)).toBe(false);
  });
});
