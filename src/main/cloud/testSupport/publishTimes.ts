/** Test support: what a broker counting publishes per second would count. */

/** The largest number of times within any window of 1,000 ms (times in ms, ascending). */
export function mostInOneSecond(times: readonly number[]): number {
  return mostWithin(times, 1000);
}

/**
 * The largest number of times within any window of `windowMs` (times in ms, ascending): a
 * window a little shorter than a second leaves room for the jitter between a publish and the
 * moment a witness sees it.
 */
export function mostWithin(times: readonly number[], windowMs: number): number {
  let most = 0;
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    while (times[to]! - times[from]! >= windowMs) from += 1;
    most = Math.max(most, to - from + 1);
  }
  return most;
}
