import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The sign-in page must stay light: under 200 KB of gzipped JavaScript, measured
// from the build manifest (the entry chunk, the sign-in route chunk and what they import).
const dist = fileURLToPath(new URL('../web/dist/', import.meta.url));
type Chunk = { file: string; imports?: string[]; dynamicImports?: string[]; isEntry?: boolean };

describe('web bundle size', () => {
  it('loads the sign-in route with less than 200 KB of gzipped JavaScript', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8')) as Record<
      string,
      Chunk
    >;
    const files = new Set<string>();
    const walk = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || files.has(chunk.file)) return;
      files.add(chunk.file);
      for (const imported of chunk.imports ?? []) walk(imported);
    };
    walk('index.html');
    walk('src/pages/auth/SignIn.tsx');
    expect([...files].some((f) => f.includes('SignIn'))).toBe(true);
    const gzipped = [...files]
      .filter((f) => f.endsWith('.js'))
      .reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length, 0);
    console.log(`sign-in route: ${files.size} JS files, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThan(200 * 1024);
    // The QR code library is for enrollment only: it must not be on the sign-in path.
    expect([...files].some((f) => f.includes('QrCode'))).toBe(false);
  });
});
