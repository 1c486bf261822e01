/**
 * A value built on first use and kept for the container's life; a failed build (a secret that
 * could not be read yet) is tried again on the next use instead of failing every invocation after it.
 *
 * @example const deps = onFirstUse(() => buildDeps(logger)); await deps(); await deps(); // built once
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

/**
 * A port whose adapter is built on its first call (`load`, usually an `onFirstUse`): each method
 * `methods` names calls the adapter's own. `methods` must name every method of the port, optional
 * ones included (the type says so), so a method added to a port cannot be silently left out here.
 *
 * @example const logs = lazyPort(onFirstUse(buildLogs), { tail: true }); await logs.tail(ref); // builds, then reads
 */
export function lazyPort<T extends object>(load: () => Promise<T>, methods: Record<keyof T, true>): T {
  const call =
    (name: string) =>
    async (...args: unknown[]): Promise<unknown> => {
      const port = (await load()) as Record<string, ((...a: unknown[]) => unknown) | undefined>;
      return port[name]?.(...args);
    };
  return Object.fromEntries(Object.keys(methods).map((name) => [name, call(name)])) as T;
}
