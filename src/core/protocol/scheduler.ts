// Bounded parallelism: P workers pull the next job from a shared cursor, so a round of 2,000
// jobs holds P requests and P promises at a time, never 2,000.
export async function runPool<T>(items: readonly T[], parallel: number, work: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, parallel), items.length) }, worker));
}
