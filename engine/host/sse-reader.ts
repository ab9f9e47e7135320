/**
 * A Server-Sent Events reader for Node (fetch + a streaming body): the app host needs one to follow the sync
 * server's notification stream, and Node has no EventSource. It parses the text/event-stream format (id,
 * event, data, retry; comments ignored) and hands each complete event to the caller. One connection per
 * `open`; reconnecting (with the last id as Last-Event-ID) is the caller's decision, because what to do after
 * a 401 — refresh the token or stop — depends on who owns the session.
 */

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Incremental parser: feed it text as it arrives, it calls `onEvent` for each event a blank line ends. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  /** The server's requested reconnection delay (ms), when it sent one. */
  retryMs: number | undefined;

  constructor(private readonly onEvent: (e: SseEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const nl = this.buffer.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk to decide.
      if (this.buffer[nl] === '\r' && nl === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + (this.buffer.startsWith('\r\n', nl) ? 2 : 1));
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0)
        this.onEvent({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}

export class SseHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`event stream refused with HTTP ${status}`);
    this.name = 'SseHttpError';
  }
}

export interface SseConnection {
  /** Settles when the stream ends: resolves when the server closed it, rejects on a network or HTTP error. */
  done: Promise<void>;
  close(): void;
}

/**
 * Opens one event stream. Credentials go in `headers`, or in the URL only as something worthless once used
 * (the sync server's single-use stream ticket); `lastEventId` resumes after the last event seen.
 */
export function openSse(
  url: string,
  options: {
    headers?: Record<string, string>;
    lastEventId?: string;
    onEvent: (e: SseEvent) => void;
    onOpen?: () => void;
  },
): SseConnection {
  const abort = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const done = (async () => {
    const res = await fetch(url, { headers, signal: abort.signal });
    if (!res.ok || !res.body) throw new SseHttpError(res.status, await res.text().catch(() => ''));
    options.onOpen?.();
    const parser = new SseParser(options.onEvent);
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
  })().catch((err: unknown) => {
    if (abort.signal.aborted) return; // closed by us: not an error
    throw err;
  });
  return { done, close: () => abort.abort() };
}
