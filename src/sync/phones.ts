import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export interface Phone {
  /** E.164, e.g. +15551230100 */
  number: string;
  extension?: string;
}

export type PhoneResult = { ok: true; phone: Phone } | { ok: false; reason: string };

// "x890", "ext 890", "ext. 890", "extension 890" after the number.
const EXTENSION = /\s*(?:x|ext\.?|extension)\s*(\d{1,10})\s*$/i;

/**
 * Directory phone values are free text. Duo and our users expect E.164 with the extension kept
 * apart; a number without a country code can only be read when the directory says which country
 * it is in, otherwise it is skipped (and the caller warns) rather than guessed.
 */
export function normalizePhone(raw: string, defaultCountry?: string): PhoneResult {
  const text = raw.trim();
  if (!text) return { ok: false, reason: 'empty phone number' };
  let extension: string | undefined;
  const m = EXTENSION.exec(text);
  const main = m ? text.slice(0, m.index) : text;
  if (m) extension = m[1];
  const international = main.startsWith('+') || main.startsWith('00');
  if (!international && !defaultCountry) {
    return { ok: false, reason: `phone "${raw}" has no + and country code, and the directory sets no defaultCountry` };
  }
  const parsed = parseMain(main, international ? undefined : defaultCountry);
  if (!parsed) return { ok: false, reason: `phone "${raw}" is not a possible telephone number` };
  const ext = extension ?? parsed.ext;
  return { ok: true, phone: ext ? { number: parsed.number, extension: ext } : { number: parsed.number } };
}

/**
 * libphonenumber's answers for the number part, remembered: it costs about 5 µs a number, and in a
 * directory the office numbers repeat (`+1 212 555 0100 x1234`, `… x1235`: one main number). Bounded,
 * and cleared when full, so memory does not follow the directory.
 */
const known = new Map<string, { number: string; ext?: string } | null>();
const KNOWN_LIMIT = 10_000;

function parseMain(main: string, country: string | undefined): { number: string; ext?: string } | null {
  const key = country ? `${country} ${main}` : main;
  let r = known.get(key);
  if (r !== undefined) return r;
  const parsed = parsePhoneNumberFromString(main.replace(/^00/, '+'), country as CountryCode | undefined);
  // isPossible (length per country) rather than isValid (allocated ranges): test and fictional
  // numbers such as 555 ones are common in directories and are still dialable strings.
  r = parsed?.isPossible() ? (parsed.ext ? { number: parsed.number, ext: parsed.ext } : { number: parsed.number }) : null;
  if (known.size >= KNOWN_LIMIT) known.clear();
  known.set(key, r);
  return r;
}
