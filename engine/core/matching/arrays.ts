/**
 * Arrays made in the kind of elements they will always hold. V8 starts every new `[]` as an array of small
 * integers and gives it another hidden class when the first object goes in. Code optimized while one engine's
 * arrays held objects then met the next engine's fresh arrays, still of small integers, was thrown away and
 * compiled again: each new engine (a restore, a rebuild after a fault, a benchmark trial) ran its first thousands
 * of commands in slower code. Arrays the hot path reads and writes are made with these instead of `[]`.
 */

/** An empty list of objects. */
export function objectList<T>(): T[] {
  const list: unknown[] = [undefined];
  list.length = 0;
  return list as T[];
}

/** `n` empty slots for objects (each undefined until set); stores within them never grow the array. */
export function objectSlots<T>(n: number): (T | undefined)[] {
  return new Array<T | undefined>(n).fill(undefined);
}
