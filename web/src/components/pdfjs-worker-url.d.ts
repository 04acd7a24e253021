// Vite's `?url` import: the hashed URL of an asset under /assets/ (our own origin, so the CSP's 'self' covers it).
declare module 'pdfjs-dist/build/pdf.worker.min.mjs?url' {
  const url: string;
  export default url;
}
