import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { IdsyncError } from '../errors.js';
import type { AuthenticatorRow } from '../store/authenticators.js';

/**
 * WebAuthn (passkeys and security keys) with @simplewebauthn/server, for the enrollment page and
 * for verification (issue 15). The relying party is `api.publicUrl`: its origin is the expected
 * origin and its host the RP ID, so a credential made on the enrollment page works for any page of
 * that host. No attestation is asked for (any authenticator the user has is accepted, as Duo does
 * for passkeys); user verification is preferred, not required, since this is a second factor.
 */
export interface RelyingParty {
  name: string;
  id: string;
  origin: string;
}

export function relyingParty(publicUrl: string | undefined, name: string): RelyingParty {
  if (!publicUrl) {
    throw new IdsyncError('CONFIG_INVALID', 'api.publicUrl is not set: passkeys and security keys need it (it is the WebAuthn origin)', {
      where: 'api.publicUrl',
    });
  }
  const url = new URL(publicUrl);
  return { name, id: url.hostname, origin: url.origin };
}

export function registrationOptions(
  rp: RelyingParty,
  user: { id: number; username: string; fullName: string | null },
  existing: AuthenticatorRow[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.username,
    userDisplayName: user.fullName ?? user.username,
    // A stable handle for the user that is not their name (WebAuthn §14.6.1: no personal data).
    userID: new TextEncoder().encode(`idsync-user-${user.id}`),
    attestationType: 'none',
    // The same authenticator is not enrolled twice.
    excludeCredentials: existing.filter((a) => a.kind === 'webauthn' && a.credential_id).map((a) => ({ id: a.credential_id!, transports: transportsOf(a) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    timeout: 120_000,
  });
}

export interface RegisteredCredential {
  credentialId: string;
  publicKey: string;
  signCount: number;
  transports: string[];
}

/** The credential a registration response proves, or undefined when it does not verify. */
export async function verifyRegistration(rp: RelyingParty, response: RegistrationResponseJSON, challenge: string): Promise<RegisteredCredential | undefined> {
  try {
    const r = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
    if (!r.verified) return undefined;
    const c = r.registrationInfo.credential;
    return { credentialId: c.id, publicKey: Buffer.from(c.publicKey).toString('base64url'), signCount: c.counter, transports: c.transports ?? [] };
  } catch {
    return undefined;
  }
}

export function authenticationOptions(rp: RelyingParty, keys: AuthenticatorRow[]): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: keys.map((a) => ({ id: a.credential_id!, transports: transportsOf(a) })),
    userVerification: 'preferred',
    timeout: 120_000,
  });
}

/** The assertion's new signature counter when it verifies against this key, else undefined. */
export async function verifyAssertion(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  challenge: string,
  key: AuthenticatorRow,
): Promise<number | undefined> {
  try {
    const r = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: key.credential_id!,
        publicKey: new Uint8Array(Buffer.from(key.public_key!, 'base64url')),
        counter: Number(key.sign_count ?? 0),
        transports: transportsOf(key),
      },
      requireUserVerification: false,
    });
    return r.verified ? r.authenticationInfo.newCounter : undefined;
  } catch {
    return undefined;
  }
}

function transportsOf(a: AuthenticatorRow): AuthenticatorTransportFuture[] {
  return a.transports ? (JSON.parse(a.transports) as AuthenticatorTransportFuture[]) : [];
}
