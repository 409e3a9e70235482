import type { Role } from '../db/schema.ts';

/** Every role, most trusted first. A module of its own so that the command line can offer them without loading the app. */
export const ROLES: Role[] = ['owner', 'approver', 'agent'];
