/**
 * Shared idle clock for every tab of this origin: the time of the last API call
 * (which is what keeps the server session alive) lives in localStorage, and a
 * BroadcastChannel tells the other tabs about activity and sign-out at once.
 * Nothing secret is stored here.
 */
const LAST_ACTIVITY_KEY = 'chambers.lastActivity';
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('chambers-session');

export type SessionMessage =
  { type: 'activity'; at: number } | { type: 'signed-out'; reason: string } | { type: 'signed-in' };

export function lastActivity(): number {
  return Number(localStorage.getItem(LAST_ACTIVITY_KEY) ?? Date.now());
}

export function noteActivity(at: number = Date.now()): void {
  localStorage.setItem(LAST_ACTIVITY_KEY, String(at));
  channel?.postMessage({ type: 'activity', at } satisfies SessionMessage);
}

export function broadcast(message: SessionMessage): void {
  channel?.postMessage(message);
}

export function onSessionMessage(listener: (m: SessionMessage) => void): () => void {
  const handler = (e: MessageEvent<SessionMessage>) => listener(e.data);
  const storage = (e: StorageEvent) => {
    if (e.key === LAST_ACTIVITY_KEY && e.newValue) listener({ type: 'activity', at: Number(e.newValue) });
  };
  channel?.addEventListener('message', handler);
  window.addEventListener('storage', storage);
  return () => {
    channel?.removeEventListener('message', handler);
    window.removeEventListener('storage', storage);
  };
}
