/**
 * `warden replay | validate | policy check | redrive`: the command-line face of pipeline-warden (contract in
 * DESIGN.md, "Contracts other tools rely on").
 */
import { parseArgs } from 'node:util';
import { POLICY_CHECK_USAGE, policyCheck } from './policy-check';
import { redrive } from './redrive';
import { replay } from './replay';
import { validate } from './validate';

const USAGE = `usage:
  warden replay [--config FILE] [--world FILE | --aws] [--at ISO-TIME] [--advance DURATION] [--json] PATH...
  warden validate [--config FILE]
  ${POLICY_CHECK_USAGE}
  warden redrive --dlq-arn ARN --queue-arn ARN [--region REGION]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      config: { type: 'string', default: 'config/warden.yml' },
      world: { type: 'string' },
      at: { type: 'string' },
      advance: { type: 'string' },
      json: { type: 'boolean', default: false },
      aws: { type: 'boolean', default: false },
      'dlq-arn': { type: 'string' },
      'queue-arn': { type: 'string' },
      region: { type: 'string' },
      policy: { type: 'string', default: 'config/policy.yml' },
      rules: { type: 'string' },
    },
  });
  switch (command) {
    case 'replay':
      return replay({ configFile: values.config, worldFile: values.world, at: values.at, advance: values.advance, json: values.json, aws: values.aws, paths: positionals, out: process.stdout });
    case 'validate':
      return validate(values.config, process.stdout);
    case 'policy':
      return policyCheck({ subcommand: positionals[0], policyFile: values.policy, configFile: values.config, rulesFile: values.rules, json: values.json, paths: positionals.slice(1), out: process.stdout, err: process.stderr });
    case 'redrive':
      return redrive({ dlqArn: values['dlq-arn'], queueArn: values['queue-arn'], region: values.region, out: process.stdout });
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

// `warden replay --json … | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`warden: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
