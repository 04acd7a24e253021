import { browserHeaders, refreshSession, ApiError, type Problem } from '../../api/client.ts';
import { noteActivity } from '../../session/activity.ts';

/** The upload was cancelled by its user (its AbortSignal fired): not an error to show. */
export class UploadCancelled extends Error {
  constructor() {
    super('The upload was cancelled.');
    this.name = 'UploadCancelled';
  }
}

/**
 * Multipart upload through XMLHttpRequest, the one browser API that reports
 * upload progress; same browser-mode headers and one refresh-then-retry on 401.
 * Aborting `signal` stops the transfer (the server discards what it received) and
 * rejects with UploadCancelled.
 */
export function uploadWithProgress<T>(
  url: string,
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  const attempt = () =>
    new Promise<{ status: number; body: string; retryAfter: string | null }>((resolve, reject) => {
      if (signal?.aborted) return reject(new UploadCancelled());
      const xhr = new XMLHttpRequest();
      const abort = () => xhr.abort();
      signal?.addEventListener('abort', abort, { once: true });
      xhr.onloadend = () => signal?.removeEventListener('abort', abort);
      xhr.onabort = () => reject(new UploadCancelled());
      xhr.open('POST', url);
      xhr.withCredentials = true;
      for (const [k, v] of Object.entries(browserHeaders('POST'))) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () =>
        resolve({ status: xhr.status, body: xhr.responseText, retryAfter: xhr.getResponseHeader('retry-after') });
      xhr.onerror = () => reject(new Error('The upload was interrupted. Check your connection and try again.'));
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  return (async () => {
    const startedAt = Date.now();
    let res = await attempt();
    if (res.status === 401 && (await refreshSession(startedAt))) {
      onProgress(0);
      res = await attempt();
    }
    if (res.status >= 200 && res.status < 300) {
      noteActivity();
      return JSON.parse(res.body) as T;
    }
    let problem: Problem = { status: res.status, code: `HTTP_${res.status}` };
    try {
      problem = { ...problem, ...(JSON.parse(res.body) as Partial<Problem>), status: res.status };
    } catch {
      /* not JSON */
    }
    throw new ApiError(problem, res.retryAfter ? Number(res.retryAfter) : null);
  })();
}
