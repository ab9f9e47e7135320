/** A frame that failed validation. Thrown by the protocol parsers, caught and counted by the client. */
export class MalformedFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedFrameError';
  }
}

export function malformed(message: string): never {
  throw new MalformedFrameError(message);
}

/** Shortened frame text for a log line. */
export function excerpt(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
