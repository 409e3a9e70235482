import type { User } from '../../core/db/schema.ts';
import { ValidationError } from '../../core/errors.ts';
import { readDatetimeLocal } from '../../core/wall-clock.ts';
import { zoneOf } from '../views.ts';

/**
 * A time a person typed into a datetime-local field, as they meant it: on their own clock, in the zone their
 * account has (daylight saving as it is on that date), whatever the browser's or the server's zone.
 * `label` names the field in the message when it is not a real day and time.
 */
export function typedTime(value: string | undefined, user: User, label: string, field: string): Date {
  const at = readDatetimeLocal(value ?? '', zoneOf(user));
  if (!at) throw new ValidationError(`${label}: choose a day and a time.`, field);
  return at;
}
