import addressparser from 'nodemailer/lib/addressparser';
import type { AddressJson } from '../../core/db/schema.ts';
import { onceEach } from '../../core/drafts/recipients.ts';
import { ValidationError } from '../../core/errors.ts';

type Form = Record<string, unknown>;

const values = (v: unknown): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String));

/**
 * One recipient field of the draft form: the chips it showed (address and name as separate values, so a
 * display name holding "<thief@evil.example>, x@y" stays a name), minus those ticked "Remove", plus what a
 * person typed into "Add". Undefined when the form did not carry the field at all.
 */
function formField(form: Form, field: 'to' | 'cc'): AddressJson[] | undefined {
  const addresses = values(form[`${field}Address`]);
  const names = values(form[`${field}Name`]);
  const added = values(form[`${field}Add`]).join(',');
  if (addresses.length === 0 && form[`${field}Add`] === undefined) return undefined;
  if (names.length !== addresses.length || added.length > 10_000) throw new ValidationError('The recipients in the form do not add up; reload the page.', field);
  const removed = new Set(values(form[`${field}Remove`]).map((a) => a.toLowerCase()));
  const kept = addresses.map((address, i) => ({ address: address.trim(), name: names[i]!.trim() })).filter((a) => !removed.has(a.address.toLowerCase()));
  const typed = addressparser(added, { flatten: true }).map((a) => ({ address: a.address.trim(), name: (a.name ?? '').trim() }));
  return [...kept, ...typed];
}

/** The draft form's To and Cc, each address once: someone in To is not added to Cc again. */
export function formRecipients(form: Form): { to: AddressJson[] | undefined; cc: AddressJson[] | undefined } {
  const keep = onceEach();
  return { to: formField(form, 'to')?.filter(keep), cc: formField(form, 'cc')?.filter(keep) };
}
