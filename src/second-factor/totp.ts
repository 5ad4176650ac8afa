import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

/**
 * TOTP as RFC 6238 has it and authenticator apps expect: SHA-1, 6 digits, 30-second steps, a
 * 160-bit secret (RFC 4226 §4 recommends 160). A code of the step before or after is accepted
 * (clocks drift); the step it matched is returned so the store can refuse it the second time
 * (issue 15: "A TOTP code already used in its time step is refused").
 */
export const TOTP_PERIOD = 30;
const DIGITS = 6;

function totp(secretBase32: string, issuer: string, label: string): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: DIGITS, period: TOTP_PERIOD, secret: Secret.fromBase32(secretBase32) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export interface TotpSetup {
  /** The secret in base32, for typing into an app. */
  secret: string;
  otpauthUrl: string;
  /** The otpauth URL as a QR code, an SVG data URL (the page's CSP allows `data:` images only). */
  qrDataUrl: string;
}

export async function totpSetup(secret: string, issuer: string, username: string): Promise<TotpSetup> {
  const otpauthUrl = totp(secret, issuer, username).toString();
  const svg = await QRCode.toString(otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauthUrl, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

/** The time step a code is valid for at `now` (±1 step), or undefined. */
export function totpStep(secret: string, code: string, now: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secret, 'idsync', 'x').validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / TOTP_PERIOD) + delta;
}
