/** A Block Kit block, kept structural: the renderers build them, Slack validates them. */
export type SlackBlock = Readonly<Record<string, unknown>>;

/** A Slack message as every feature renders it: blocks, and the fallback text. */
export interface RenderedMessage {
  /** Fallback text: notifications, screen readers, and the terminal replay. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}
