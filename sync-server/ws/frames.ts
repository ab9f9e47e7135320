/**
 * WebSocket frames built once and written to many connections. A server's frames are not masked (RFC 6455
 * §5.1), so the bytes of one message are the same on every connection: market data framed once goes out
 * to 10,000 subscribers as one buffer each, without `ws` building a header and a write list per send.
 */
import * as ws from 'ws';

interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}

// `ws` exports its Sender (and Sender.frame, which it uses for every send) without typings for it.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const TEXT = 0x1;

/** One complete, final, unmasked text frame carrying `text`. */
export function textFrame(text: string): Buffer {
  return Buffer.concat(
    Sender.frame(Buffer.from(text), { fin: true, opcode: TEXT, mask: false, readOnly: true, rsv1: false }),
  );
}
