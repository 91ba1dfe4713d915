// What a function of an instant and a zone answers, kept per zone and minute: times on cards, the Home tab and
// sweeps come back to the same few minutes, and formatting one costs tens of microseconds. Every zone's offset
// has been whole minutes since 1972, so one UTC minute is one local minute: anything shown to the minute (or
// coarser, such as the year) is the same for every instant of it. Bounded: emptied when full.
export function minuteMemo<T>(compute: (ms: number, timeZone: string) => T, max = 2000): (ms: number, timeZone: string) => T {
  const kept = new Map<string, T>();
  return (ms, timeZone) => {
    const key = `${Math.floor(ms / 60_000)} ${timeZone}`;
    if (kept.has(key)) return kept.get(key)!;
    const value = compute(ms, timeZone);
    if (kept.size >= max) kept.clear();
    kept.set(key, value);
    return value;
  };
}
