/**
 * The last lines of a CodeBuild log from CloudWatch Logs, cleaned for a chat message: no colour
 * codes, no trailing newlines, no line long enough to swamp the thread.
 */
import { type CloudWatchLogsClient, GetLogEventsCommand, type OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { BuildLogsPort } from '../../kernel/ports';
import { type ClientsIn, clientAt } from '../../platform/actor';
import { classifyAwsError } from '../../platform/aws-errors';

/** Longest line we pass on; a minified stack trace can be one 50 kB line. */
const LINE_MAX = 300;
/** GetLogEvents refuses a larger `limit`. */
const API_LIMIT_MAX = 10_000;

/**
 * ANSI escape sequences: CSI (colours, cursor moves: ESC [ … final byte), OSC (titles, links:
 * ESC ] … BEL or ESC \) and the two-byte ones. Build tools print them even without a terminal.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape sequences is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/**
 * @example
 * const logs = createBuildLogsPort(new CloudWatchLogsClient({}));
 * await logs.tail({ group: '/aws/codebuild/app', stream: 'b938328a-…', lines: 20 }); // ['npm ERR! …', …]
 */
export function createBuildLogsPort(clients: ClientsIn<CloudWatchLogsClient>): BuildLogsPort {
  return {
    async tail({ place, group, stream, lines }) {
      if (lines < 1) return [];
      try {
        // startFromHead: false asks for the newest page: the end of the build, where it failed.
        const out = await clientAt(clients, place, `CloudWatch Logs GetLogEvents ${group}`).send(
          new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: false, limit: Math.min(lines, API_LIMIT_MAX) }),
        );
        return lastLines(out.events ?? [], lines);
      } catch (error) {
        // Logs disabled for the project, expired by retention, or the build never started.
        if (error instanceof Error && error.name === 'ResourceNotFoundException') return [];
        throw classifyAwsError(`CloudWatch Logs GetLogEvents ${group} ${stream}`, error);
      }
    },
  };
}

/** The last `count` messages, oldest first, each cleaned by `cleanLine`. */
export function lastLines(events: readonly OutputLogEvent[], count: number): string[] {
  // The API returns a page oldest first; sorting (stably) keeps that promise even if it did not.
  const ordered = [...events].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  return ordered.slice(-count).map((e) => cleanLine(e.message ?? ''));
}

/**
 * One log message as a person should read it in Slack or email.
 *
 * @example cleanLine('\u001b[31mnpm ERR!\u001b[0m missing script: build\n') // 'npm ERR! missing script: build'
 */
export function cleanLine(message: string): string {
  const plain = message.replace(ANSI, '').replace(/[\r\n]+$/, '');
  if (plain.length <= LINE_MAX) return plain;
  // Cut on code points so an emoji or CJK character is never split in half.
  const chars = Array.from(plain);
  return chars.length <= LINE_MAX ? plain : `${chars.slice(0, LINE_MAX - 1).join('')}…`;
}
