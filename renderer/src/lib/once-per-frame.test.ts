import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { oncePerFrame } from './once-per-frame';

let frames: (() => void)[] = [];

beforeEach(() => {
  vi.useFakeTimers();
  frames = [];
  vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frames.push(cb));
  vi.stubGlobal('cancelAnimationFrame', (id: number) => {
    if (id > 0) frames[id - 1] = () => {};
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('oncePerFrame', () => {
  it('applies many requests made before a frame once, in that frame, and asks again after it', () => {
    const apply = vi.fn();
    const request = oncePerFrame(apply);
    for (let i = 0; i < 100; i++) request();
    expect(frames).toHaveLength(1);
    frames[0]();
    expect(apply).toHaveBeenCalledTimes(1);
    // The fallback of that frame was cleared: no second call from it.
    vi.advanceTimersByTime(1_000);
    expect(apply).toHaveBeenCalledTimes(1);
    request();
    expect(frames).toHaveLength(2);
  });

  it('applies after the fallback delay when no frame comes (a hidden window), and the late frame does nothing', () => {
    const apply = vi.fn();
    const request = oncePerFrame(apply, 500);
    request();
    vi.advanceTimersByTime(499);
    expect(apply).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(apply).toHaveBeenCalledTimes(1);
    frames[0]();
    expect(apply).toHaveBeenCalledTimes(1);
  });
});
