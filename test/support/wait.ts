// How tests wait for something that happens in the background (a worker, a process, another request).

/** Options for `vi.waitFor` and `expect.poll`: give up after 5 s, look again every 20 ms. */
export const WAIT = { timeout: 5000, interval: 20 };
