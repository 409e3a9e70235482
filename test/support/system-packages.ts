import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Debian packages the integration and browser tests run against, with the file that shows each is there. */
const PACKAGES = [
  { name: 'dovecot-imapd', file: '/usr/sbin/dovecot' },
  { name: 'chromium', file: '/usr/bin/chromium' },
];

/**
 * Installs what is missing when we may (root on Debian), and otherwise stops with the one command to run.
 * Never downloads anything but Debian's own packages.
 */
export function ensureSystemPackages(): void {
  const missing = PACKAGES.filter((p) => !fs.existsSync(p.file)).map((p) => p.name);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && fs.existsSync('/etc/debian_version');
  if (!canInstall) throw new Error(`The tests need ${missing.join(' and ')}. Install with:\n  sudo sh -c '${command}'`);
  process.stderr.write(`installing ${missing.join(', ')} from Debian's packages for the tests...\n`);
  const result = spawnSync('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) throw new Error(`Installing ${missing.join(', ')} failed; run it yourself:\n  ${command}`);
}
