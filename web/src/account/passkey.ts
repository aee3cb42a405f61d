import { startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';

/** The browser side of passkeys: @simplewebauthn/browser with the options the server generated. */
export async function passkeyAssertion(optionsJSON: Record<string, unknown>): Promise<unknown> {
  try {
    return await startAuthentication({ optionsJSON: optionsJSON as unknown as Parameters<typeof startAuthentication>[0]['optionsJSON'] });
  } catch (e) {
    throw friendly(e);
  }
}

export async function passkeyAttestation(optionsJSON: Record<string, unknown>): Promise<unknown> {
  try {
    return await startRegistration({ optionsJSON: optionsJSON as unknown as Parameters<typeof startRegistration>[0]['optionsJSON'] });
  } catch (e) {
    throw friendly(e);
  }
}

function friendly(e: unknown): Error {
  const name = e instanceof WebAuthnError ? (e.cause as Error | undefined)?.name ?? e.name : e instanceof Error ? e.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError') return new Error('The passkey prompt was closed or timed out. Try again, or choose another way.');
  if (name === 'InvalidStateError') return new Error('This device already holds a passkey for your account.');
  if (name === 'NotSupportedError' || name === 'SecurityError') return new Error('This browser cannot use passkeys here. Choose another way.');
  return new Error(e instanceof Error && e.message ? e.message : 'The passkey did not work. Try again, or choose another way.');
}
