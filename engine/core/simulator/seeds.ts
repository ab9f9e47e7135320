/**
 * Seeds for the simulator's random streams. Every agent and the fair value process draw from their own stream,
 * derived from the one configured seed and a stream number, so adding an agent or changing how much one agent
 * draws does not reshuffle what every other agent does.
 */
import { Prng } from '../random/prng';

/** A 32-bit seed from a number (any safe integer) or a string, mixed so that nearby seeds give unrelated streams. */
export function seedToU32(seed: number | string): number {
  let h = 0x811c9dc5; // FNV-1a over the seed's characters (numbers by their decimal form)
  const text = typeof seed === 'number' ? String(seed) : `s:${seed}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** The seed of stream `stream` (a small non-negative integer) under `root`. */
export function streamSeed(root: number, stream: number): number {
  return mix32((root ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0);
}

export function streamPrng(root: number, stream: number): Prng {
  return new Prng(streamSeed(root, stream));
}

/** The murmur3 finaliser: every input bit flips about half of the output bits. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A standard normal draw from four uniforms (Irwin–Hall, rescaled): close enough for price noise, and built
 * from additions only, so it is bit-for-bit the same on every JavaScript engine (Math.log and Math.cos, which a
 * Box–Muller draw needs, are not specified exactly).
 */
export function normal(rng: Prng): number {
  return (rng.next() + rng.next() + rng.next() + rng.next() - 2) * SQRT3;
}
const SQRT3 = Math.sqrt(3);

/** Rounds `x` to an integer up or down at random with the odds that keep its expectation: small moves still add up. */
export function stochasticRound(rng: Prng, x: number): number {
  const lo = Math.floor(x);
  return rng.next() < x - lo ? lo + 1 : lo;
}
