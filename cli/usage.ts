/**
 * What `warden --help`, `warden help <command>` and `warden <command> --help` print, the options
 * each command accepts (anything else is refused by name), and the version. Usage goes to stdout
 * when asked for, to stderr with a problem.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { PROJECT_ROOT } from './files';
import { POLICY_CHECK_USAGE } from './policy-check';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  /** Printed under the usage line by `--help`. */
  readonly details: string;
  readonly options: Options;
}

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  replay: {
    usage: 'warden replay [--config FILE] [--world FILE | --aws] [--at ISO-TIME] [--advance DURATION] [--json] [--html FILE] PATH...',
    summary: 'run saved events through the stack in dry-run: what would be posted and done',
    details: `  PATH...              event files, or folders of *.json (a file may hold an array of events)
  --config FILE        routing config (default config/warden.yml)
  --world FILE         what the account would answer (pipelines, logs, approvals, rollback, governance)
  --aws                answer reads (build logs, pipeline definitions, deploy failures) from the real account, read-only
  --at ISO-TIME        the clock for every event (default: each event's own time)
  --advance DURATION   run the clock on after the last event: 30h, 90m, 2d, 1h30m
  --json               one JSON object per call the stack would make
  --html FILE          also write a page showing every message as Slack lays it out (cards, updates, threads, emails)
Nothing is sent: Slack, email and AWS writes are only recorded. Exit 1 if an event was rejected.`,
    options: {
      config: { type: 'string' },
      world: { type: 'string' },
      aws: { type: 'boolean' },
      at: { type: 'string' },
      advance: { type: 'string' },
      json: { type: 'boolean' },
      html: { type: 'string' },
    },
  },
  metrics: {
    usage: 'warden metrics [--config FILE] [--world FILE | --aws] [--since DURATION] [--at ISO-TIME] [--json] PATH...',
    summary: 'the four DORA keys per pipeline, with their performance bands',
    details: `  PATH...              event files or folders to replay, or with --aws the names of pipelines
  --config FILE        routing config: productionStages (default config/warden.yml)
  --world FILE         what the account would answer during the replay
  --aws                read the pipelines' CodePipeline history instead (read-only; default credentials and region)
  --since DURATION     the window reaches back this far from now: 30d (default), 12h, 1d12h
  --at ISO-TIME        now, the window's end (default: the current time; when replaying, the last event's time + 1 ms)
  --json               one JSON object per pipeline
Deployment frequency, lead time (median, p90), change failure rate and failed deployment recovery time
(median), each with its DORA 2023 band; definitions in docs/delivery-keys.md.`,
    options: {
      config: { type: 'string' },
      world: { type: 'string' },
      aws: { type: 'boolean' },
      since: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
    },
  },
  validate: {
    usage: 'warden validate [--config FILE | FILE] [--policy FILE]',
    summary: 'check a routing config (and a governance policy): every problem with its path',
    details: `  FILE, --config FILE  routing config (default config/warden.yml)
  --policy FILE        also check this governance policy (config/policy.yml)
Exit 0 and a one-line summary per valid file; exit 1 and every problem with its path.`,
    options: { config: { type: 'string' }, policy: { type: 'string' } },
  },
  policy: {
    usage: POLICY_CHECK_USAGE,
    summary: 'evaluate the governance policy on saved pipeline, project and package definitions',
    details: `  PATH...              saved definitions (get-pipeline, batch-get-projects, package subjects) or folders
  --policy FILE        governance policy (default config/policy.yml)
  --config FILE        routing config, for the rollback guards (default config/warden.yml)
  --rules FILE.ts      more custom rules
  --json               one JSON object per violation
Exit 0: no error-severity violation; 1: at least one; 2: the check could not run.`,
    options: {
      policy: { type: 'string', default: 'config/policy.yml' },
      config: { type: 'string', default: 'config/warden.yml' },
      rules: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  },
  redrive: {
    usage: 'warden redrive --dlq-arn ARN --queue-arn ARN [--region REGION]',
    summary: "move the dead-letter queue's messages back to the events queue",
    details: `  --dlq-arn ARN        stack output EventsDeadLetterQueueArn
  --queue-arn ARN      stack output EventsQueueArn
  --region REGION      default: the DLQ ARN's region`,
    options: { 'dlq-arn': { type: 'string' }, 'queue-arn': { type: 'string' }, region: { type: 'string' } },
  },
  'member-template': {
    usage: 'warden member-template [--config FILE] [--actor-role-region REGION]',
    summary: 'print the member stack (CloudFormation) each account and region of the organization gets',
    details: `  --config FILE        fill the parameter defaults from the config's organization section (actorRoleName, id)
  --actor-role-region REGION
                       the one region whose stack creates the actor role (IAM names are global to an account)
Without --config, infra/member.yml as it is. Deploy it by hand in accounts outside the organization:
  aws cloudformation deploy --template-file member.yml --stack-name pipeline-warden-member --capabilities CAPABILITY_NAMED_IAM \\
    --parameter-overrides CentralEventBusArn=ARN TrustedRoleArns=ARN,ARN`,
    options: { config: { type: 'string' }, 'actor-role-region': { type: 'string' } },
  },
};

/** What each option's value looks like, for "--advance needs a value: …". */
export const VALUE_HINTS: Readonly<Record<string, string>> = {
  advance: 'a duration such as 30h, 90m, 2d or 1h30m',
  at: 'an ISO time such as 2026-11-23T14:00:00Z',
  since: 'a duration such as 30d, 12h or 1d12h',
  config: 'a file',
  world: 'a file',
  html: 'a file to write the page to',
  policy: 'a file',
  rules: 'a file',
  'dlq-arn': 'an SQS queue ARN',
  'queue-arn': 'an SQS queue ARN',
  region: 'a region such as eu-west-1',
  'actor-role-region': 'a region such as eu-west-1',
};

export function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const commands = Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`);
  const usages = Object.values(COMMANDS).map((spec) => `  ${spec.usage}`);
  return `usage: warden <command> [options]\n\ncommands:\n${commands.join('\n')}\n\n${usages.join('\n')}\n\nwarden <command> --help    options of one command\nwarden --version           the version\n`;
}

export function commandHelp(command: string): string {
  const spec = COMMANDS[command];
  return spec ? `usage: ${spec.usage}\n\n${spec.summary}.\n\n${spec.details}\n` : generalHelp();
}

/** The package's version (package.json), as `npm ls` shows it. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return `${pkg.name} ${pkg.version}`;
}

/** A command used wrongly: each problem is printed with the command's usage line, exit code 2. */
export class UsageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'UsageError';
  }
}
