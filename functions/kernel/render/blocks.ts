/** A Block Kit block, kept structural: the renderers build them, Slack validates them. */
export type SlackBlock = Readonly<Record<string, unknown>>;
