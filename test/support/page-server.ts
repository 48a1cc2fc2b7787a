/** A tiny HTTP server for a test page and its script, on an origin of its own (the node is another). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves `files` by path (e.g. `/` → HTML, `/app.js` → JavaScript); anything else 404, the favicon 204. */
export async function servePage(files: Record<string, { type: 'html' | 'js'; body: string }>): Promise<PageServer> {
  const types = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8' };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://page').pathname;
    const file = files[path];
    if (file) response.writeHead(200, { 'content-type': types[file.type] }).end(file.body);
    // No favicon: an empty answer rather than a 404 in the console.
    else if (path === '/favicon.ico') response.writeHead(204).end();
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
