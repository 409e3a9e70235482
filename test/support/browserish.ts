/** A browser-like client: keeps its cookies, reads the CSRF token from the page it was given. */
export class Browserish {
  private readonly jar = new Map<string, string>();
  constructor(
    private readonly base: string,
    private readonly ip = '127.0.0.1',
  ) {}

  async get(path: string): Promise<{ status: number; text: string; csrf: string; headers: Headers }> {
    const res = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookie, 'x-forwarded-for': this.ip }, redirect: 'manual' });
    this.keep(res);
    // A live event stream never ends: its status is all there is to read.
    const live = res.headers.get('content-type')?.startsWith('text/event-stream');
    if (live) await res.body?.cancel();
    const text = live ? '' : await res.text();
    return { status: res.status, text, headers: res.headers, csrf: /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? '' };
  }

  async post(path: string, form: Record<string, string>, method = 'POST'): Promise<{ status: number; text: string; headers: Headers }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': this.ip, ...(form._csrf ? { 'x-csrf-token': form._csrf } : {}) },
      body: new URLSearchParams(form),
      redirect: 'manual',
    });
    this.keep(res);
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  async signIn(email: string, password: string) {
    const { csrf } = await this.get('/signin');
    return this.post('/signin', { _csrf: csrf, email, password });
  }

  /** The Cookie header this client sends. */
  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keep(res: Response): void {
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const at = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }
}
