import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildCli } from '../../cli/longhand.ts';
import { CONFIG_VARIABLES, loadConfig } from '../../core/config.ts';

/**
 * docker-compose.yml and the Dockerfile as a user relies on them. Docker is not on this machine, so the files are
 * read and checked against what Longhand accepts: its commands, its configuration and the README's promises.
 */
const root = new URL('../../', import.meta.url);
const read = (file: string): string => fs.readFileSync(new URL(file, root), 'utf8');

type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Env | string[];
  ports?: (string | { target?: number; published?: string | number })[];
  volumes?: (string | { type?: string; source?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown };
  container_name?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(read('docker-compose.yml')) as Compose;
const services = compose.services;
const LONGHAND_SERVICES = ['migrate', 'app', 'worker'];

/** A service's environment as a map, whichever of compose's two spellings the file uses. */
function environment(name: string): Env {
  const env = services[name]?.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
  return Object.fromEntries(env.map((line) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
}

/** Compose's variable substitution (`${X}`, `${X:-default}`, `${X:?error}`, `$$`) from the `.env` a user writes. */
function interpolate(value: string, dotEnv: Env): string {
  return value.replace(/\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g, (_match, name: string | undefined, colon: string, op: string, arg: string) => {
    if (!name) return '$';
    const set = name in dotEnv && (colon !== ':' || dotEnv[name] !== '');
    if (set) return dotEnv[name]!;
    if (op === '?') throw new Error(`compose refuses to start: ${name} ${arg}`);
    return op === '-' ? arg : '';
  });
}

const interpolated = (name: string, dotEnv: Env): Env => Object.fromEntries(Object.entries(environment(name)).map(([k, v]) => [k, interpolate(v, dotEnv)]));

/** The Dockerfile's instructions, one per line (ours has no continuations). */
const dockerfile = read('Dockerfile')
  .split('\n')
  .filter((line) => line.trim() && !line.trim().startsWith('#'))
  .map((line) => {
    const [instruction, ...rest] = line.trim().split(/\s+/);
    return { instruction: instruction!.toUpperCase(), args: rest.join(' ') };
  });
const instructions = (name: string) => dockerfile.filter((d) => d.instruction === name).map((d) => d.args);
const imageEnv: Env = Object.fromEntries(instructions('ENV').flatMap((args) => args.split(/\s+/).map((pair) => [pair.split('=')[0]!, pair.slice(pair.indexOf('=') + 1)])));

const SECRET = 'a'.repeat(64);
const userDotEnv: Env = { LONGHAND_SECRET: SECRET };
const cliCommands = buildCli().commands.map((c) => c.name());

describe('docker-compose.yml', () => {
  it('gives every service an image or something to build', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? service.build, `service ${name}: image or build`).toBeTruthy();
      if (service.build) {
        const context = typeof service.build === 'string' ? service.build : (service.build.context ?? '.');
        const file = typeof service.build === 'string' ? 'Dockerfile' : (service.build.dockerfile ?? 'Dockerfile');
        expect(fs.existsSync(new URL(`${context}/${file}`, root)), `service ${name}: build ${context}/${file} exists`).toBe(true);
      }
    }
  });

  it('runs Longhand in migrate, app and worker with a command the longhand CLI knows', () => {
    for (const name of LONGHAND_SERVICES) {
      const service = services[name];
      expect(service, `service ${name} exists`).toBeDefined();
      expect(service!.build, `service ${name}: build (the Longhand image)`).toBeTruthy();
      const command = typeof service!.command === 'string' ? service!.command.split(/\s+/) : (service!.command ?? []);
      expect(cliCommands, `service ${name}: command ${JSON.stringify(service!.command)} is a longhand subcommand`).toContain(command[0]);
    }
    expect(services.migrate!.command, 'service migrate: command').toEqual(['migrate']);
    expect(services.app!.command, 'service app: command').toEqual(['web']);
    expect(services.worker!.command, 'service worker: command').toEqual(['worker']);
  });

  it('points DATABASE_URL at the postgres service with the user, password and database it creates', () => {
    const postgres = services.postgres!;
    expect(postgres.image, 'service postgres: image').toMatch(/^postgres(:|$)/);
    const created = environment('postgres');
    for (const name of LONGHAND_SERVICES) {
      const url = new URL(interpolated(name, userDotEnv).DATABASE_URL ?? '', 'unset:/');
      expect(url.protocol, `service ${name}: DATABASE_URL protocol`).toMatch(/^postgres(ql)?:$/);
      expect(url.hostname, `service ${name}: DATABASE_URL host`).toBe('postgres');
      expect(url.port || '5432', `service ${name}: DATABASE_URL port`).toBe('5432');
      expect(decodeURIComponent(url.username), `service ${name}: DATABASE_URL user`).toBe(created.POSTGRES_USER);
      expect(decodeURIComponent(url.password), `service ${name}: DATABASE_URL password`).toBe(created.POSTGRES_PASSWORD);
      expect(url.pathname, `service ${name}: DATABASE_URL database`).toBe(`/${created.POSTGRES_DB ?? created.POSTGRES_USER}`);
    }
  });

  it('points REDIS_URL at the redis service', () => {
    expect(services.redis?.image, 'service redis: image').toMatch(/^redis(:|$)/);
    for (const name of LONGHAND_SERVICES) {
      const url = new URL(interpolated(name, userDotEnv).REDIS_URL ?? '', 'unset:/');
      expect(url.protocol, `service ${name}: REDIS_URL protocol`).toBe('redis:');
      expect(url.hostname, `service ${name}: REDIS_URL host`).toBe('redis');
      expect(url.port || '6379', `service ${name}: REDIS_URL port`).toBe('6379');
    }
  });

  it('refuses to start without LONGHAND_SECRET, and passes it when the .env sets it', () => {
    for (const name of LONGHAND_SERVICES) {
      expect(() => interpolated(name, {}), `service ${name}: environment LONGHAND_SECRET is required`).toThrow(/LONGHAND_SECRET/);
      expect(interpolated(name, userDotEnv).LONGHAND_SECRET, `service ${name}: environment LONGHAND_SECRET`).toBe(SECRET);
    }
  });

  it('sets only variables Longhand reads, with values its configuration accepts', () => {
    for (const name of LONGHAND_SERVICES) {
      for (const variable of Object.keys(environment(name))) {
        expect(CONFIG_VARIABLES, `service ${name}: environment ${variable} is a variable core/config.ts reads`).toContain(variable);
      }
      expect(() => loadConfig({ ...imageEnv, ...interpolated(name, userDotEnv) }), `service ${name}: environment loads`).not.toThrow();
    }
  });

  it('depends only on services that exist, waiting on healthchecks that exist', () => {
    const conditions = ['service_started', 'service_healthy', 'service_completed_successfully'];
    for (const [name, service] of Object.entries(services)) {
      const deps: Record<string, { condition?: string }> = Array.isArray(service.depends_on)
        ? Object.fromEntries(service.depends_on.map((d) => [d, {}]))
        : (service.depends_on ?? {});
      for (const [dep, { condition = 'service_started' }] of Object.entries(deps)) {
        expect(Object.keys(services), `service ${name}: depends_on ${dep} is a service`).toContain(dep);
        expect(conditions, `service ${name}: depends_on ${dep} condition`).toContain(condition);
        if (condition === 'service_healthy') expect(services[dep]!.healthcheck?.test, `service ${dep}: healthcheck (${name} waits for it)`).toBeTruthy();
      }
    }
  });

  it('declares the named volumes its services use', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : volume.type === 'volume' ? (volume.source ?? '') : '';
        const named = source !== '' && !/^[./~$]/.test(source) && (typeof volume !== 'string' || volume.includes(':'));
        if (named) expect(Object.keys(compose.volumes ?? {}), `service ${name}: volume ${source} is declared under volumes`).toContain(source);
      }
    }
  });

  it('publishes the port the app listens on in the container, on every interface', () => {
    const config = loadConfig({ ...imageEnv, ...interpolated('app', userDotEnv) });
    expect(config.host, 'service app: LONGHAND_HOST (Dockerfile ENV) listens beyond the container').toBe('0.0.0.0');
    const targets = (services.app!.ports ?? []).map((p) => (typeof p === 'string' ? Number(p.split(':').at(-1)!.split('/')[0]) : p.target));
    expect(targets, `service app: ports publish container port ${config.port}`).toContain(config.port);
    expect(instructions('EXPOSE'), 'Dockerfile: EXPOSE the app port').toContain(String(config.port));
  });

  it('lets the worker scale (no fixed name, no published port)', () => {
    expect(services.worker!.container_name, 'service worker: container_name').toBeUndefined();
    expect(services.worker!.ports, 'service worker: ports').toBeUndefined();
  });

  it("has every service, variable and file the README's Docker compose section names", () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Docker compose'), readme.indexOf('\n## ', readme.indexOf('## Docker compose') + 1));
    expect(section, 'README: a "Docker compose" section').toMatch(/^## Docker compose/);
    const spans = [...section.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
    const commands = [...section.matchAll(/docker compose [^`\n#]+/g)].map((m) => m[0].trim());
    for (const command of commands) {
      for (const [, service] of command.matchAll(/--scale (\w[\w-]*)=/g)) expect(Object.keys(services), `README: ${command} names service ${service}`).toContain(service);
      const [, , verb, target] = command.split(/\s+/);
      if (['run', 'exec', 'logs', 'restart'].includes(verb!) && target) expect(Object.keys(services), `README: ${command} names service ${target}`).toContain(target);
    }
    for (const span of spans.filter((s) => /^[a-z][\w-]*$/.test(s))) expect(Object.keys(services), `README: service \`${span}\``).toContain(span);
    for (const span of spans.filter((s) => /\.ya?ml$/.test(s) || s === 'Dockerfile')) expect(fs.existsSync(new URL(span, root)), `README: file ${span}`).toBe(true);
    for (const variable of new Set(section.match(/\b(?:LONGHAND|DATABASE|REDIS)_[A-Z_]+\b/g) ?? [])) {
      for (const name of LONGHAND_SERVICES) expect(Object.keys(environment(name)), `README: ${variable} reaches service ${name}`).toContain(variable);
    }
  });
});

describe('Dockerfile', () => {
  it('runs bin/longhand.mjs', () => {
    expect(JSON.parse(instructions('ENTRYPOINT')[0] ?? '[]'), 'Dockerfile: ENTRYPOINT').toEqual(['node', 'bin/longhand.mjs']);
    expect(cliCommands, 'Dockerfile: CMD is a longhand subcommand').toContain(JSON.parse(instructions('CMD')[0] ?? '[]')[0]);
  });

  it('copies files that exist', () => {
    // COPY --from=STAGE copies what an earlier stage built, not the build context.
    for (const args of instructions('COPY').filter((a) => !a.startsWith('--from='))) {
      const sources = args
        .split(/\s+/)
        .filter((a) => !a.startsWith('--'))
        .slice(0, -1);
      for (const source of sources) expect(fs.existsSync(new URL(source, root)), `Dockerfile: COPY ${source} exists`).toBe(true);
    }
  });

  it('keeps node_modules and the data folder out of the image (.dockerignore)', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim().replace(/^\/|\/$/g, ''));
    for (const entry of ['node_modules', 'data']) expect(ignored, `.dockerignore: ${entry}`).toContain(entry);
  });
});
