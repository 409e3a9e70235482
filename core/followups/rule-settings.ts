import type { Kysely } from 'kysely';
import { z } from 'zod';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { DB, User } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';

const toggle = z.strictObject({ enabled: z.boolean() });
const days = (min: number, max: number) => z.number().int().min(min).max(max);
const rules = {
  checkIn: z.strictObject({ enabled: z.boolean(), days: days(1, 365) }),
  keepInTouch: z.strictObject({
    enabled: z.boolean(),
    days: days(7, 1095),
    onlyTags: z.array(z.string().trim().min(1).max(60)).max(50),
    minConversations: z.number().int().min(0).max(1000),
    /** Never to a customer we wrote to fewer days ago than this, by the rule or by hand (0: no such limit). */
    minDaysSinceWeWrote: days(0, 365),
  }),
  /** personUserId null: the founder, the first owner. */
  firstContact: z.strictObject({ enabled: z.boolean(), personUserId: z.number().int().positive().nullable() }),
  waitingOnThem: z.strictObject({ enabled: z.boolean(), days: days(1, 90) }),
  promises: toggle,
  remindMe: toggle,
  closeTheLoop: toggle,
};
/** The hour of the customer's day a follow-up is suggested for. */
const morningHour = z.number().int().min(0).max(23);

/** The team's follow-up rules: each can be changed or switched off; defaults where the team has not. */
export const followupRulesSchema = z.strictObject({ morningHour, ...rules });
export type FollowupRules = z.infer<typeof followupRulesSchema>;

/** A change to some rules, each given in part: `{"checkIn": {"days": 10}}`. */
export const followupRulesChange = z.strictObject({
  morningHour: morningHour.optional(),
  checkIn: rules.checkIn.partial().optional(),
  keepInTouch: rules.keepInTouch.partial().optional(),
  firstContact: rules.firstContact.partial().optional(),
  waitingOnThem: rules.waitingOnThem.partial().optional(),
  promises: rules.promises.partial().optional(),
  remindMe: rules.remindMe.partial().optional(),
  closeTheLoop: rules.closeTheLoop.partial().optional(),
});
export type FollowupRulesChange = z.infer<typeof followupRulesChange>;

export const DEFAULT_FOLLOWUP_RULES: FollowupRules = {
  morningHour: 9,
  checkIn: { enabled: true, days: 14 },
  keepInTouch: { enabled: true, days: 90, onlyTags: [], minConversations: 0, minDaysSinceWeWrote: 14 },
  firstContact: { enabled: true, personUserId: null },
  waitingOnThem: { enabled: true, days: 5 },
  promises: { enabled: true },
  remindMe: { enabled: true },
  closeTheLoop: { enabled: true },
};

const KEY = 'followup-rules';

function merge(base: FollowupRules, change: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(change)) {
    const current = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && current && typeof current === 'object' ? { ...current, ...v } : v;
  }
  return out;
}

/** The rules in force; takes the transaction when called inside one (the embedded database has one connection). */
export async function followupRules(db: Kysely<DB>): Promise<FollowupRules> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  // Stored rules are merged over the defaults, so a rule added later starts at its default.
  const parsed = followupRulesSchema.safeParse(merge(DEFAULT_FOLLOWUP_RULES, (row?.value as Record<string, unknown> | undefined) ?? {}));
  return parsed.success ? parsed.data : DEFAULT_FOLLOWUP_RULES;
}

/** Saves a change to the rules, validated (the chosen person must be active staff) and audited. */
export async function updateFollowupRules(ctx: Ctx, change: FollowupRulesChange, actor: User): Promise<FollowupRules> {
  const next = followupRulesSchema.parse(merge(await followupRules(ctx.db), change));
  if (next.firstContact.personUserId !== null) {
    const person = await ctx.db.selectFrom('users').select('disabled_at').where('id', '=', next.firstContact.personUserId).executeTakeFirst();
    if (!person || person.disabled_at) throw new ValidationError(`There is no active staff member ${next.firstContact.personUserId}.`, 'firstContact.personUserId');
  }
  const value = JSON.stringify(next);
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('settings')
      .values({ key: KEY, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
    await audit(tx, ctx.clock.now(), { actorUserId: actor.id, action: 'followups.rules_changed', details: { changed: Object.keys(change) } });
  });
  return next;
}
