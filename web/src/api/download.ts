import { request } from './client.ts';

/** Fetches a file through the API client (refresh, step-up) and hands it to the browser as a download. */
export async function downloadFile(
  path: string,
  fallbackName: string,
  query?: Record<string, string | undefined>,
): Promise<void> {
  const res = await request('GET', path, { query });
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
