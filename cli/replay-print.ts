/** Replay output as a person reads it: each Slack message and email, and a closing tally. */
import type { SlackBlock } from '../functions/kernel/render/blocks';
import { blocksToText } from '../functions/kernel/render/text';
import type { RecordedCall } from '../functions/platform/recording';

/** One replayed event: its file, the calls it made, or why it was rejected. */
export interface ReplayedEvent {
  readonly event: string;
  readonly calls: readonly RecordedCall[];
  readonly error?: string;
}

const bar = (text: string) =>
  text
    .split('\n')
    .map((line) => `    │ ${line}`)
    .join('\n');

export function printHuman(result: ReplayedEvent, out: NodeJS.WritableStream): void {
  out.write(`\n▸ ${result.event}\n`);
  if (result.error) out.write(`    ✗ ${result.error}\n`);
  const visible = result.calls.filter((c) => c.call !== 'logs.getLogEvents');
  if (!result.error && visible.length === 0) out.write('    (nothing to send: no route, or nothing visible changed)\n');
  for (const call of visible) out.write(`${describeCall(call)}\n`);
}

function describeCall({ call, input }: RecordedCall): string {
  const text = (blocks: unknown) => bar(blocksToText((blocks as SlackBlock[] | undefined) ?? [], { urls: false }));
  switch (call) {
    case 'slack.chat.postMessage':
      return input['thread_ts']
        ? `  Slack ${String(input['channel'])} · thread reply\n${text(input['blocks'])}`
        : `  Slack ${String(input['channel'])} · new card\n${text(input['blocks'])}`;
    case 'slack.chat.update':
      return `  Slack ${String(input['channel'])} · card updated in place (ts ${String(input['ts'])})\n${text(input['blocks'])}`;
    case 'cloudwatch.getMetricWidgetImage':
      return `  Chart drawn by CloudWatch: ${String((JSON.parse(String(input['MetricWidget'])) as { title?: unknown }).title)}`;
    case 'slack.files.getUploadURLExternal':
      return `  Slack · upload of ${String(input['filename'])} (${String(input['length'])} bytes)`;
    case 'slack.files.completeUploadExternal':
      return `  Slack ${String(input['channel_id'])} · file shared${input['thread_ts'] ? ' in the thread' : ''}: ${(input['files'] as { title?: string }[]).map((f) => f.title).join(', ')}`;
    case 'sns.publish':
      return `  Email → ${String(input['TopicArn'])}\n    │ Subject: ${String(input['Subject'])}\n${bar(String(input['Message']).trimEnd())}`;
    default:
      return `  ${call} ${JSON.stringify(input)}`;
  }
}

/** Slack and email calls per run, as counted from the recorded calls. */
export function tally(results: readonly ReplayedEvent[]): Record<string, number> {
  const count = (name: string, pred: (c: RecordedCall) => boolean) => [name, results.flatMap((r) => r.calls).filter(pred).length] as const;
  return Object.fromEntries([
    count('cards posted', (c) => c.call === 'slack.chat.postMessage' && !c.input['thread_ts']),
    count('cards updated', (c) => c.call === 'slack.chat.update'),
    count('thread replies', (c) => c.call === 'slack.chat.postMessage' && !!c.input['thread_ts']),
    count('emails', (c) => c.call === 'sns.publish'),
  ]);
}

const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export function printSummary(results: readonly ReplayedEvent[], out: NodeJS.WritableStream): void {
  const t = tally(results);
  const rejected = results.filter((r) => r.error).length;
  out.write(
    `\n${n(results.length, 'event')} replayed, ${rejected} rejected · Slack: ${n(t['cards posted'] ?? 0, 'card')} posted, ${n(t['cards updated'] ?? 0, 'update')}, ${n(t['thread replies'] ?? 0, 'thread reply', 'thread replies')} · ${n(t['emails'] ?? 0, 'email')} · dry run: nothing was sent\n`,
  );
}
