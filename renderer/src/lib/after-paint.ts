/**
 * Runs `fn` in a task of its own after the next frame has been drawn: what was just rendered is painted
 * first, and `fn`'s work does not lengthen that frame's task. A page that draws no frames (hidden) still
 * gets it after a short delay. Returns a cancel function.
 */
export function afterNextPaint(fn: () => void): () => void {
  let done = false;
  let timer = 0;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(fallback);
    fn();
  };
  const frame = requestAnimationFrame(() => {
    timer = window.setTimeout(run, 0);
  });
  const fallback = window.setTimeout(run, 120);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    clearTimeout(fallback);
  };
}
