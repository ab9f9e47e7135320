/**
 * Runs `apply` at most once per animation frame, however often the returned `request` is called before it:
 * pushed updates are merged by the caller and drawn once per frame. Animation frames stop while the window is
 * hidden; a timer then applies what has waited `fallbackMs`, so the data does not pile up meanwhile.
 */
export function oncePerFrame(apply: () => void, fallbackMs = 500): () => void {
  let frame = 0;
  let fallback: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    cancelAnimationFrame(frame);
    clearTimeout(fallback);
    frame = 0;
    fallback = undefined;
    apply();
  };
  return () => {
    if (frame) return;
    frame = requestAnimationFrame(run);
    fallback = setTimeout(run, fallbackMs);
  };
}
