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
  sendJson(res, 413, { error: message });
  closeUnread(req, res);
}

const closing = new WeakSet<object>();

/**
 * Once the answer is out, closes a connection whose request body was not read
 * to its end (refused early, or answered without needing it), without reading
 * or draining the rest: the request is paused (TCP backpressure then stops the
 * sender), our side of the connection is ended, and the socket is destroyed a
 * second later. Destroying at once would reset the connection while the
 * sender is still sending, and a reset can wipe the answer before the client
 * reads it; `Connection: close` is not used for the same reason (Node then
 * destroys the socket the moment the answer is flushed).
 */
export function closeUnread(req: IncomingMessage, res: ServerResponse): void {
  // Node destroys the socket as soon as the answer is flushed when the request
  // asked to close (`Connection: close`, as most one-shot clients send): with
  // body bytes still arriving that is a reset. Keeping the answer "keep-alive"
  // leaves the closing to `close` below (a complete request is unaffected:
  // the client closes, or the idle keep-alive timeout does).
  if (!req.complete && !res.headersSent) res.shouldKeepAlive = true;
  const close = () => {
    if (req.complete || req.socket.destroyed || closing.has(req.socket)) return;
    closing.add(req.socket);
    req.pause();
    req.socket.pause();
    req.socket.end();
    setTimeout(() => req.socket.destroy(), 1000).unref();
  };
  if (res.writableFinished) close();
  else res.once('finish', close);
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
