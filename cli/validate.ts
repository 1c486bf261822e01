import { readConfigFile } from './config-file';

/**
 * `warden validate`: exit 0 and a one-line summary, or exit 1 and every problem with its path.
 *
 * @example validate('config/warden.yml', process.stdout) // "config/warden.yml: valid, 3 routes, 3 Slack channels, 1 SNS topic"
 */
export function validate(file: string, out: NodeJS.WritableStream): number {
  const result = readConfigFile(file);
  if (!result.ok) {
    out.write(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}\n`);
    for (const problem of result.problems) out.write(`  ${problem}\n`);
    return 1;
  }
  const { routes } = result.config;
  const channels = new Set(routes.flatMap((r) => r.slack?.channels ?? []));
  const topics = new Set(routes.flatMap((r) => r.email?.topics ?? []));
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  out.write(`${file}: valid, ${plural(routes.length, 'route')}, ${plural(channels.size, 'Slack channel')}, ${plural(topics.size, 'SNS topic')}\n`);
  return 0;
}
