import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
  '.wav': 'audio/wav',
};

/** Headers every response carries: no sniffing, no framing, only our own scripts. */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'",
};

/**
 * Resolves a URL path inside `root`, or null if it would leave it (`..`, encoded slashes, NUL).
 * Pure; `/` and unknown paths without an extension map to index.html (single-page app).
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  if (rel.split(/[/\\]/).includes('..')) return null;
  const base = resolve(root);
  const full = resolve(base, rel === '' ? 'index.html' : rel);
  if (full !== base && !full.startsWith(base + sep)) return null;
  return extname(full) === '' ? join(base, 'index.html') : full;
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>stemstream</title>
<body style="font-family:system-ui;background:#111;color:#eee;padding:2em">
<h1>stemstream</h1><p>The control UI is not built. Run <code>npm run build</code> (or <code>npm run build:ui</code>), then reload.</p>
<p>The WebSocket endpoint is live at <code>/ws</code>.</p></body>`;

/** Serves GET/HEAD for files under `root`; answers 404/405 itself. */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD' }).end();
    return;
  }
  const path = resolveStaticPath(root, pathname);
  if (path === null) {
    res.writeHead(400, SECURITY_HEADERS).end('bad path');
    return;
  }
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    if (path.endsWith('index.html')) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': TYPES['.html'] }).end(NOT_BUILT);
      return;
    }
    res.writeHead(404, SECURITY_HEADERS).end('not found');
    return;
  }
  const hashed = /\/assets\//.test(path);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
    'Content-Length': String(size),
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(path).pipe(res);
}
