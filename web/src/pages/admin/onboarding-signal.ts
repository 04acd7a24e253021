/**
 * The administration pages that complete an onboarding step (an invitation sent, the MFA
 * roles saved, a retention period saved) say so here, and the checklist reads its status again.
 */
const EVENT = 'chambers:onboarding-changed';

export function signalOnboardingChanged(): void {
  window.dispatchEvent(new Event(EVENT));
}

/** Calls `listener` on every signal; returns the function that stops listening. */
export function onOnboardingChanged(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
