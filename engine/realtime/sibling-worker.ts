import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * URL of a module that sits beside the calling module: `.ts` when the caller runs from source
 * under tsx, `.js` when it runs from dist/ after tsc. `baseName` has no extension.
 */
export function siblingModuleUrl(importMetaUrl: string, baseName: string): URL {
  const ext = importMetaUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${baseName}${ext}`, importMetaUrl);
}

/**
 * Start a worker_thread running the module `baseName` beside the caller. From dist/ this is a
 * plain `new Worker(url)`. From source (tsx), loader hooks are not inherited by workers in
 * Node 20, so a tiny eval bootstrap registers tsx inside the worker before importing the module.
 */
export function startSiblingWorker(importMetaUrl: string, baseName: string, options: WorkerOptions = {}): Worker {
  const url = siblingModuleUrl(importMetaUrl, baseName);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const bootstrap = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
