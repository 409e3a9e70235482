import { z } from 'zod';

/** Ids are PostgreSQL integers: a larger number names no row and is a 400, not a failed query. */
const MAX_ROW_ID = 2 ** 31 - 1;

export const rowId = z.coerce.number().int().positive().max(MAX_ROW_ID, 'is too large for an id');

/** The same limit for an id or version sent as a JSON number in a body. */
export const bodyRowId = z.number().int().positive().max(MAX_ROW_ID, 'is too large for an id');
