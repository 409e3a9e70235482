import { sql } from 'kysely';

/**
 * When the customer started waiting on us in conversation `c` (the query's alias): their first message
 * since our last one, automated mail aside. Writing again ("any news?") does not put them back in line.
 */
export const waitingSince = () =>
  sql<Date | null>`(select min(m.date) from messages m where m.conversation_id = c.id and m.direction = 'in' and m.automated_reason is null and m.date > coalesce(c.last_outbound_at, '-infinity'::timestamptz))`;
