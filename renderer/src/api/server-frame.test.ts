import { describe, expect, it } from 'vitest';
import { parseServerFrame as engineParse } from '../../../engine/protocol/wire';
import { parseServerFrame } from './server-frame';

// The renderer's copy must accept and refuse exactly what the protocol's own check does.
const frames: unknown[] = [
  null,
  undefined,
  42,
  'event',
  [],
  {},
  { type: 'response', id: 1, ok: true, result: { a: 1 } },
  { type: 'response', id: 1, ok: true },
  { type: 'response', id: '1', ok: true, result: 1 },
  { type: 'response', id: 2, ok: false, error: { code: 'X', message: 'no' } },
  { type: 'response', id: 2, ok: false, error: null },
  { type: 'response', id: 2, ok: false },
  { type: 'response', id: 2, ok: 'yes' },
  { type: 'event', name: 'practice.update', payload: { seq: 1 } },
  { type: 'event', name: 'practice.update', payload: null },
  { type: 'event', name: 'practice.update' },
  { type: 'event', name: 3, payload: {} },
  { type: 'request', id: 1, method: 'x', params: {} },
];

describe('parseServerFrame (renderer copy)', () => {
  it('agrees with engine/protocol/wire', () => {
    for (const frame of frames) expect(parseServerFrame(frame)).toBe(engineParse(frame));
  });
});
