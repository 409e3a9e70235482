import type { Kysely } from 'kysely';
import { z } from 'zod';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { FAMILY_IDS } from '../drafts/canned-families.ts';
import { DEFAULT_CANNED_PHRASES } from '../drafts/canned-phrases.ts';
import { CANDIDATE_LANGUAGES } from '../drafts/language.ts';

/** What a team decides for itself, in the UI or the API; defaults where it has not. */
export const teamSettingsSchema = z.strictObject({
  /** Seconds an approval can be undone before the send starts. */
  undoSeconds: z.number().int().min(0).max(3600),
  /** A draft scoring lower in the touch check cannot be approved (0: no minimum). */
  minTouchScore: z.number().int().min(0).max(100),
  /** Agents' drafts need an approver's or owner's approval. */
  agentsNeedApproval: z.boolean(),
  /** After approving on a conversation's page, stay on it instead of going on to the next one waiting. */
  stayAfterApprove: z.boolean(),
  /** Drafts are written in this language when the customer's is unclear or has no template (ISO 639-1). */
  defaultLanguage: z.enum(CANDIDATE_LANGUAGES as [string, ...string[]]),
  /** Built-in canned families the touch check leaves out, by id (the rest are on, new ones included). */
  cannedFamiliesOff: z.array(z.enum(FAMILY_IDS as [string, ...string[]])).max(FAMILY_IDS.length),
  cannedPhrases: z.array(z.strictObject({ phrase: z.string().trim().min(3).max(200), suggestion: z.string().trim().max(500) })).max(500),
});

export type TeamSettings = z.infer<typeof teamSettingsSchema>;

const KEY = 'team';

function defaults(ctx: Ctx): TeamSettings {
  return {
    undoSeconds: ctx.config.undoSeconds,
    minTouchScore: 0,
    agentsNeedApproval: false,
    stayAfterApprove: false,
    defaultLanguage: 'en',
    cannedFamiliesOff: [],
    cannedPhrases: DEFAULT_CANNED_PHRASES,
  };
}

export async function teamSettings(ctx: Ctx): Promise<TeamSettings> {
  const row = await ctx.db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  return { ...defaults(ctx), ...((row?.value as Partial<TeamSettings> | undefined) ?? {}) };
}

/** The team's default language, read inside a caller's transaction (drafting happens in one). */
export async function defaultLanguageIn(db: Kysely<DB>): Promise<string> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  return (row?.value as Partial<TeamSettings> | undefined)?.defaultLanguage ?? 'en';
}

/** Saves the settings given (a partial update), validated, audited. */
export async function updateTeamSettings(ctx: Ctx, changes: Partial<TeamSettings>, actorUserId: number | null): Promise<TeamSettings> {
  const next = teamSettingsSchema.parse({ ...(await teamSettings(ctx)), ...changes });
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('settings')
      .values({ key: KEY, value: JSON.stringify(next) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(next) }))
      .execute();
    await audit(tx, ctx.clock.now(), { actorUserId, action: 'settings.changed', details: { changed: Object.keys(changes) } });
  });
  return next;
}
