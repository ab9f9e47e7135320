const two = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time "HH:MM:SS" of an epoch-milliseconds timestamp. */
export function formatTime(ts: number): string {
  const d = new Date(ts);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Local "MM-DD HH:MM:SS", for lists that may span days. */
export function formatDateTime(ts: number): string {
  const d = new Date(ts);
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${formatTime(ts)}`;
}
