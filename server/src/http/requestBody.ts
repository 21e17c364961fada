import type { IncomingMessage, ServerResponse } from 'node:http';

/** Sends a JSON answer (security headers are already on `res`, set for every response). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Answers 413 and closes the connection once the answer is out, so the rest
 * of an oversized body is never read: the socket goes away instead of the
 * server draining (or, worse, keeping) hundreds of megabytes.
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, message: string): void {
  req.pause();
  res.setHeader('connection', 'close');
  res.once('finish', () => req.socket.destroy());
  sendJson(res, 413, { error: message });
}

/**
 * Reads a request body of at most `limitBytes`. A `Content-Length` over the
 * limit is refused before a byte is read; a chunked body is refused the moment
 * it crosses the limit. Either way the answer is 413 (already sent when this
 * resolves to null) and nothing beyond the limit is kept.
 */
export function readBodyWithin(req: IncomingMessage, res: ServerResponse, limitBytes: number, what: string): Promise<Buffer | null> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) {
    refuseTooLarge(req, res, `${what} is too large: at most ${formatBytes(limitBytes)}`);
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (body: Buffer | null) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        chunks.length = 0;
        refuseTooLarge(req, res, `${what} is too large: at most ${formatBytes(limitBytes)}`);
        finish(null);
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish(Buffer.concat(chunks)));
    // A client that goes away mid-body (or a request timeout destroying the socket) leaves nothing to answer.
    req.once('error', () => finish(null));
    req.once('close', () => finish(req.complete ? Buffer.concat(chunks) : null));
  });
}

/**
 * Parses a JSON object body. `__proto__`, `constructor` and `prototype` keys
 * are dropped while parsing, so no later merge can reach an object's prototype.
 */
export function parseJsonObject(body: Buffer): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'), (key, v) =>
      key === '__proto__' || key === 'constructor' || key === 'prototype' ? undefined : v,
    );
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${n / (1024 * 1024)} MB` : n >= 1024 ? `${n / 1024} KB` : `${n} bytes`;
}
