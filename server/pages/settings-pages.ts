import { Router } from 'express';
import { z } from 'zod';
import { recentAudit } from '../../core/audit.ts';
import type { Role } from '../../core/db/schema.ts';
import { FAMILIES, FAMILY_IDS, FAMILY_LANGUAGES, type FamilyLanguage } from '../../core/drafts/canned-families.ts';
import { CANDIDATE_LANGUAGES, languageName } from '../../core/drafts/language.ts';
import { PROVIDERS } from '../../core/mailboxes/oauth-providers.ts';
import { oauthClientInput, oauthClientViews, saveOAuthClient } from '../../core/settings/oauth-clients.ts';
import { teamSettings, updateTeamSettings } from '../../core/settings/team-settings.ts';
import { ROLES } from '../../core/users/roles.ts';
import { createUser, listUsers, setPassword, updateUser } from '../../core/users/users.ts';
import { requireRole } from '../auth.ts';
import { QUEUE_BOARD_PATH } from '../queue-board.ts';
import { idParam, oauthRedirectUri, type PageKit } from './kit.ts';

const role = z.enum(ROLES as [Role, ...Role[]]);
const newPerson = z.object({ name: z.string().max(200), email: z.string().max(254), role, password: z.string().max(1000) });
const personChange = z.object({ role: role.optional(), access: z.enum(['active', 'disabled']).optional(), password: z.string().max(1000).optional() });
const teamForm = z.object({
  undoSeconds: z.coerce.number().int(),
  minTouchScore: z.coerce.number().int(),
  agentsNeedApproval: z.literal('on').optional(),
  stayAfterApprove: z.literal('on').optional(),
  defaultLanguage: z.enum(CANDIDATE_LANGUAGES as [string, ...string[]]),
});
// The families left checked; an unchecked box sends nothing, so none checked sends no field at all.
const familiesForm = z.object({ on: z.union([z.string(), z.array(z.string())]).optional() });
const phrasesForm = z.object({ phrases: z.string().max(100_000) });

/** "phrase — suggestion", one a line: how the team keeps its canned-phrase list in a plain textarea. */
export function parsePhrases(text: string): Array<{ phrase: string; suggestion: string }> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [phrase, ...rest] = line.split(/\s+[—|]\s+/);
      return { phrase: phrase!.trim(), suggestion: rest.join(' — ').trim() };
    });
}

/** Owners' settings: people and roles, the team's rules, canned phrases, OAuth app registrations. */
export function settingsPages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();
  const owner = requireRole('owner');

  r.get('/settings', signedIn, owner, async (req, res) => {
    const [people, settings, oauthClients] = await Promise.all([listUsers(ctx, { includeDisabled: true }), teamSettings(ctx), oauthClientViews(ctx)]);
    page(req, res, 'settings', {
      title: 'Settings',
      people: people.map((p) => ({ ...p, roles: ROLES.map((r) => ({ value: r, selected: r === p.role })), disabled: p.disabled_at !== null, isMe: p.id === req.user!.id })),
      roles: ROLES,
      settings,
      phrases: settings.cannedPhrases.map((p) => (p.suggestion ? `${p.phrase} — ${p.suggestion}` : p.phrase)).join('\n'),
      languages: CANDIDATE_LANGUAGES.map((code) => ({ code, name: languageName(code), selected: code === settings.defaultLanguage })),
      families: FAMILIES.map((f) => ({
        id: f.id,
        name: f.name,
        dismissive: f.kind === 'dismissive',
        on: !settings.cannedFamiliesOff.includes(f.id),
        examples: (Object.keys(FAMILY_LANGUAGES) as FamilyLanguage[]).map((code) => ({ code, language: languageName(code), text: FAMILY_LANGUAGES[code].families[f.id].example })),
      })),
      queueBoard: QUEUE_BOARD_PATH,
      oauthRedirect: oauthRedirectUri(ctx, req),
      oauthClients: oauthClients.map((c) => ({ ...c, label: PROVIDERS[c.provider].label, envName: c.provider.toUpperCase() })),
    });
  });

  r.post(
    '/settings/oauth/:provider',
    signedIn,
    owner,
    action(async (req) => {
      const provider = z.enum(['google', 'microsoft']).parse(req.params.provider);
      await saveOAuthClient(ctx, provider, oauthClientInput.parse(req.body), req.user!.id);
      return `${PROVIDERS[provider].label} mailboxes can be connected with this app registration.`;
    }),
  );

  r.post(
    '/settings/people',
    signedIn,
    owner,
    action(async (req) => {
      const form = newPerson.parse(req.body);
      const created = await createUser(ctx, { ...form, password: form.password || null }, req.user!.id);
      return `${created.name} can sign in as ${created.role}${form.password ? '' : ' once you set a password'}.`;
    }),
  );

  r.post(
    '/settings/people/:id',
    signedIn,
    owner,
    action(async (req) => {
      const form = personChange.parse(req.body);
      const id = idParam.parse(req.params.id);
      const changed = await updateUser(ctx, id, { role: form.role, disabled: form.access ? form.access === 'disabled' : undefined }, req.user!.id);
      if (form.password) await setPassword(ctx, changed.email, form.password, req.user!.id, changed.id === req.user!.id ? req.sessionID : null);
      return `${changed.name} is saved${form.password ? ', with the new password' : ''}.`;
    }),
  );

  r.post(
    '/settings/team',
    signedIn,
    owner,
    action(async (req) => {
      const form = teamForm.parse(req.body);
      await updateTeamSettings(
        ctx,
        {
          undoSeconds: form.undoSeconds,
          minTouchScore: form.minTouchScore,
          agentsNeedApproval: form.agentsNeedApproval === 'on',
          stayAfterApprove: form.stayAfterApprove === 'on',
          defaultLanguage: form.defaultLanguage,
        },
        req.user!.id,
      );
      return 'The team settings are saved.';
    }),
  );

  r.post(
    '/settings/phrases',
    signedIn,
    owner,
    action(async (req) => {
      const phrases = parsePhrases(phrasesForm.parse(req.body).phrases);
      await updateTeamSettings(ctx, { cannedPhrases: phrases }, req.user!.id);
      return `${phrases.length} canned phrases are checked in every draft.`;
    }),
  );

  r.post(
    '/settings/families',
    signedIn,
    owner,
    action(async (req) => {
      const on = [familiesForm.parse(req.body).on ?? []].flat();
      const off = FAMILY_IDS.filter((id) => !on.includes(id));
      await updateTeamSettings(ctx, { cannedFamiliesOff: off }, req.user!.id);
      return off.length
        ? `${FAMILY_IDS.length - off.length} of ${FAMILY_IDS.length} canned families are checked; ${off.length} turned off.`
        : `All ${FAMILY_IDS.length} canned families are checked.`;
    }),
  );

  r.get('/settings/audit', signedIn, owner, async (req, res) => {
    const before = z.coerce.number().int().positive().optional().catch(undefined).parse(req.query.before);
    const lines = await recentAudit(ctx.db, { before, limit: 100 });
    page(req, res, 'audit', {
      title: 'Audit log',
      lines: lines.map((l) => ({ ...l, details: JSON.stringify(l.details) })),
      older: lines.length === 100 ? lines[lines.length - 1]!.id : null,
    });
  });

  return r;
}
