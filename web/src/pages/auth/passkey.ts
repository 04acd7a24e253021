import { startAuthentication, startRegistration } from '@simplewebauthn/browser';

/** Runs the browser's passkey prompt for options the server issued. */
export async function passkeyAssertion(options: Record<string, unknown>) {
  return startAuthentication({
    optionsJSON: options as unknown as Parameters<typeof startAuthentication>[0]['optionsJSON'],
  });
}

export async function passkeyRegistration(options: Record<string, unknown>) {
  return startRegistration({
    optionsJSON: options as unknown as Parameters<typeof startRegistration>[0]['optionsJSON'],
  });
}
