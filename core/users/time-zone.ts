/** A staff member's IANA time zone: which names are accepted, and the list a person picks theirs from. */

/** Shown and read in this zone until a person's browser or their own choice says otherwise. */
export const DEFAULT_TIME_ZONE = 'UTC';

/**
 * Names the tz database changed, old to new. Node's Intl lists and resolves zones by the old names
 * (Asia/Calcutta) while browsers send the new (Asia/Kolkata); people search for the name they know.
 */
const RENAMED: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

// "Region/City" with letters, digits, "_", "-" and "+": never an offset ("+05:30"), which newer engines also accept.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;

let choices: string[] | undefined;
/** Every zone a person can choose, by its current name, sorted; UTC first. */
export function timeZoneChoices(): string[] {
  choices ??= [
    DEFAULT_TIME_ZONE,
    ...Intl.supportedValuesOf('timeZone')
      .map((z) => RENAMED[z] ?? z)
      .sort(),
  ];
  return choices;
}

/**
 * The zone named, spelled as the list spells it, or null when Intl does not know it (or it is an offset
 * or something else that is not a zone's name). What a browser or a person sends is checked here.
 */
export function knownTimeZone(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const trimmed = name.trim();
  if (trimmed.length > 64 || !ZONE_NAME.test(trimmed)) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: trimmed });
  } catch {
    return null;
  }
  const lower = trimmed.toLowerCase();
  const listed = timeZoneChoices().find((z) => z.toLowerCase() === lower) ?? Object.entries(RENAMED).find(([old]) => old.toLowerCase() === lower)?.[1];
  return listed ?? trimmed;
}
