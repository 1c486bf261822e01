/** The few logger methods flows use; a Powertools Logger fits, and so does a test's or replay's. */
export interface FlowLogger {
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
}
