/**
 * The web app's only way to the API: browser mode (tokens in __Host- cookies the
 * page cannot read), the CSRF cookie echoed in X-CSRF-Token on state changes, and
 * one refresh-then-retry on a 401. No token is ever kept in script-visible storage.
 */
import { noteActivity } from '../session/activity.ts';
import { problemMessage } from './error-message.ts';

export type Problem = {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail?: string;
  stepUp?: string;
  /** Set on a failed sign-in or a risky sign-up: the next attempt must carry a solved captcha. */
  captchaRequired?: boolean;
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;
  readonly retryAfter: number | null;
  constructor(problem: Problem, retryAfter: number | null = null) {
    super(problem.detail ?? problem.title ?? problem.code);
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

const CSRF_COOKIE = '__Host-chambers_csrf';
const REFRESHED_AT_KEY = 'chambers.refreshedAt';
/** Routes whose 401 means "wrong credentials", not "session over": never refresh for them. */
const NO_REFRESH = [
  '/api/v1/auth/login',
  '/api/v1/auth/logout',
  '/api/v1/auth/refresh',
  '/api/v1/auth/mfa/',
  '/api/v1/auth/passkey/',
  '/api/v1/mfa/totp/',
  '/api/v1/mfa/webauthn/register/',
];

export function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export function browserHeaders(method: string, bearer?: string): Record<string, string> {
  const headers: Record<string, string> = { 'x-chambers-client': 'web' };
  const csrf = csrfToken();
  if (method !== 'GET' && method !== 'HEAD' && csrf && !bearer) headers['x-csrf-token'] = csrf;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  return headers;
}

type SessionEndListener = (reason: 'expired' | 'signed-out') => void;
let onSessionEnd: SessionEndListener = () => undefined;
/** The session provider listens here to send the user back to the sign-in page. */
export function setSessionEndListener(listener: SessionEndListener): void {
  onSessionEnd = listener;
}

type StepUpHandler = () => Promise<boolean>;
let stepUp: StepUpHandler = async () => false;
/** Admin and sensitive routes answer STEP_UP_REQUIRED; the app asks for a second factor and retries once. */
export function setStepUpHandler(handler: StepUpHandler): void {
  stepUp = handler;
}

/** The question in progress: every request refused meanwhile waits on it, so the person answers once. */
let steppingUp: Promise<boolean> | null = null;
/** Counts the step-ups answered: a request sent before the latest one was refused with the old, stale factor. */
let stepUpsDone = 0;

/**
 * Asks for the second factor once for all concurrent callers (a page loads its data in
 * parallel, and each guarded request comes back STEP_UP_REQUIRED): they all learn the same
 * answer, so all are retried after a step-up, or all fail when the person cancels.
 */
function confirmStepUp(sentAfter: number): Promise<boolean> {
  // Sent before a step-up that has since succeeded: retry at once, do not ask again.
  if (stepUpsDone !== sentAfter) return Promise.resolve(true);
  if (!steppingUp) {
    const asking = Promise.resolve()
      .then(() => stepUp())
      .then(
        (ok) => {
          if (ok) stepUpsDone++;
          return ok;
        },
        () => false,
      )
      .finally(() => {
        if (steppingUp === asking) steppingUp = null;
      });
    steppingUp = asking;
  }
  return steppingUp;
}

let refreshing: Promise<boolean> | null = null;

/**
 * Rotates the refresh cookie once for all concurrent callers in this tab, and
 * under a Web Lock across tabs: two tabs presenting the same refresh token would
 * look like token theft and end the session (reuse detection).
 */
export function refreshSession(failedAt: number): Promise<boolean> {
  refreshing ??= (async () => {
    const run = async () => {
      const last = Number(localStorage.getItem(REFRESHED_AT_KEY) ?? 0);
      if (last > failedAt) return true; // another tab refreshed after our request failed
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'x-chambers-client': 'web' },
      });
      if (!res.ok) return false;
      localStorage.setItem(REFRESHED_AT_KEY, String(Date.now()));
      return true;
    };
    try {
      return navigator.locks ? await navigator.locks.request('chambers-refresh', run) : await run();
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function problemOf(res: Response): Promise<ApiError> {
  let problem: Problem = { status: res.status, code: 'HTTP_' + res.status };
  try {
    const body = (await res.json()) as Partial<Problem>;
    problem = { ...problem, ...body, status: res.status, code: body.code ?? problem.code };
  } catch {
    /* not JSON */
  }
  const retry = res.headers.get('retry-after');
  return new ApiError(problem, retry ? Number(retry) : null);
}

export type RequestOptions = {
  body?: unknown;
  bearer?: string;
  query?: Record<string, string | number | undefined>;
  raw?: boolean;
  /** Not the person's activity (the audit banner's poll, the sign-out itself): it must not move the idle clock. */
  background?: boolean;
};

/** Sends one request; returns the response once it is 2xx, otherwise throws ApiError. */
export async function request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  let url = path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== '') q.set(k, String(v));
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  const send = () => {
    const headers = browserHeaders(method, opts.bearer);
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(url, {
      method,
      credentials: 'same-origin',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  };
  const startedAt = Date.now();
  const stepUpsBefore = stepUpsDone;
  let res = await send();
  // STEP_UP_REQUIRED (401) means "confirm a second factor", not "session over": ask, retry once, never refresh.
  if ((res.status === 401 || res.status === 403) && !opts.bearer) {
    const err = await problemOf(res.clone());
    if (err.code === 'STEP_UP_REQUIRED') {
      if (await confirmStepUp(stepUpsBefore)) res = await send();
      if (!res.ok) throw await problemOf(res);
      if (!opts.background) noteActivity();
      return res;
    }
  }
  if (res.status === 401 && !opts.bearer && !NO_REFRESH.some((p) => path.startsWith(p))) {
    if (await refreshSession(startedAt)) {
      res = await send();
    }
    if (res.status === 401) {
      onSessionEnd('expired');
      throw await problemOf(res);
    }
  }
  if (!res.ok) throw await problemOf(res);
  if (!opts.bearer && !opts.background) noteActivity();
  return res;
}

export async function api<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await request(method, path, opts);
  if (res.status === 204 || (res.status === 202 && res.headers.get('content-length') === '0')) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string, query?: RequestOptions['query']) => api<T>('GET', path, { query });
export const post = <T>(path: string, body?: unknown, bearer?: string) => api<T>('POST', path, { body, bearer });
export const patch = <T>(path: string, body?: unknown) => api<T>('PATCH', path, { body });
export const put = <T>(path: string, body?: unknown) => api<T>('PUT', path, { body });
export const del = <T>(path: string) => api<T>('DELETE', path);

/** A message fit to show a person, from any error. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'ACCOUNT_LOCKED')
      return 'This account is locked after too many failed attempts. Try again later or ask your administrator to unlock it.';
    if (err.code === 'RATE_LIMITED' || err.status === 429)
      return `Too many attempts. Try again in ${err.retryAfter ?? 60} seconds.`;
    return problemMessage(err.problem);
  }
  return err instanceof Error ? err.message : 'Something went wrong.';
}
