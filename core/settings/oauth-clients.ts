import { z } from 'zod';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';

const KEY = 'oauth-clients';
type Provider = 'google' | 'microsoft';

/** Stored per provider: the client id, and its secret sealed like mailbox passwords. */
interface StoredClient {
  clientId: string;
  clientSecret: string | null;
}

/** The Settings form's fields; what else a form posts (its CSRF token, where to go back) is not ours to refuse. */
export const oauthClientInput = z.object({
  clientId: z.string().trim().min(1).max(500),
  /** Left out or empty keeps the stored secret: the page never shows it again. */
  clientSecret: z.string().trim().max(500).optional(),
});

/** What the settings page shows: never the secret, only whether there is one and where it comes from. */
export interface OAuthClientView {
  provider: Provider;
  clientId: string | null;
  hasSecret: boolean;
  fromEnvironment: boolean;
}

async function stored(ctx: Ctx): Promise<Partial<Record<Provider, StoredClient>>> {
  const row = await ctx.db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  return (row?.value as Partial<Record<Provider, StoredClient>> | undefined) ?? {};
}

export async function oauthClientFromSettings(ctx: Ctx, provider: Provider): Promise<{ clientId: string; clientSecret: string | null } | null> {
  const client = (await stored(ctx))[provider];
  if (!client) return null;
  return { clientId: client.clientId, clientSecret: client.clientSecret ? ctx.secrets.open(client.clientSecret) : null };
}

export async function oauthClientViews(ctx: Ctx): Promise<OAuthClientView[]> {
  const all = await stored(ctx);
  return (['google', 'microsoft'] as const).map((provider) => {
    const env = ctx.config.oauth[provider];
    if (env.clientId) return { provider, clientId: env.clientId, hasSecret: Boolean(env.clientSecret), fromEnvironment: true };
    const s = all[provider];
    return { provider, clientId: s?.clientId ?? null, hasSecret: Boolean(s?.clientSecret), fromEnvironment: false };
  });
}

/** An owner sets the team's app registration at a provider (when the environment does not). */
export async function saveOAuthClient(ctx: Ctx, provider: Provider, input: z.infer<typeof oauthClientInput>, actorUserId: number | null): Promise<void> {
  const all = await stored(ctx);
  const secret = input.clientSecret ? ctx.secrets.seal(input.clientSecret) : input.clientId === all[provider]?.clientId ? (all[provider]?.clientSecret ?? null) : null;
  const next = { ...all, [provider]: { clientId: input.clientId, clientSecret: secret } };
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('settings')
      .values({ key: KEY, value: JSON.stringify(next) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(next) }))
      .execute();
    await audit(tx, ctx.clock.now(), { actorUserId, action: 'settings.oauth_client', details: { provider, clientId: input.clientId, secretChanged: Boolean(input.clientSecret) } });
  });
}
