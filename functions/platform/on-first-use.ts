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
