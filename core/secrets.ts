import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LonghandError } from './errors.ts';

/** Encrypts mailbox passwords and other secrets at rest with AES-256-GCM. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

const VERSION = 'v1';

export function createSecretBox(key: Buffer): SecretBox {
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new LonghandError('secret_unreadable', 'A stored secret has an unknown format.');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      } catch (err) {
        throw new LonghandError(
          'secret_unreadable',
          'A stored secret cannot be decrypted: LONGHAND_SECRET (or the key file in the data folder) is not the one it was saved with.',
          undefined,
          { cause: err },
        );
      }
    },
  };
}

/**
 * The key: derived from LONGHAND_SECRET when set; otherwise (embedded mode) a random key made on first run
 * and kept in the data folder, readable by its owner only.
 */
export function loadSecretKey(secret: string | null, dataDir: string): Buffer {
  if (secret) return Buffer.from(hkdfSync('sha256', secret, 'longhand', 'secrets-at-rest', 32));
  const file = path.join(dataDir, 'secret.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  if (key.length !== 32) throw new LonghandError('secret_unreadable', `${file} does not hold a 32-byte hex key.`);
  return key;
}
