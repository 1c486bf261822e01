/**
 * `warden replay | metrics | validate | policy check | redrive | member-template`: the command-line face of pipeline-warden (every command and
 * option in README.md, "Testing a configuration with replay" and "Governance"). Exit codes: 0 done, 1 the command found problems,
 * 2 the command was used wrongly (the problem and its usage on stderr).
 */
import { parseArgs } from 'node:util';
import { memberTemplateCommand } from './member-template';
import { metrics } from './metrics';
import { policyCheck } from './policy-check';
import { redrive } from './redrive';
import { replay } from './replay';
import { COMMANDS, commandHelp, generalHelp, UsageError, VALUE_HINTS, version } from './usage';
import { validate } from './validate';

const HELP = new Set(['--help', '-h']);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) return fail('warden', ['a command is needed'], generalHelp());
  if (HELP.has(command)) return print(generalHelp());
  if (command === '--version' || command === '-v') return print(`${version()}\n`);
  if (command === 'help') return helpCommand(rest[0]);
  const spec = COMMANDS[command];
  if (!spec) {
    const what = command.startsWith('-') ? `unknown option ${command} (options go after the command)` : `unknown command "${command}"`;
    return fail('warden', [`${what}; commands: ${Object.keys(COMMANDS).join(', ')}`], 'Run warden --help for usage.\n');
  }
  try {
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values['help']) return print(commandHelp(command));
    return await run(command, values, positionals);
  } catch (error) {
    if (error instanceof UsageError) return fail(`warden ${command}`, error.problems, `usage: ${spec.usage}\n`);
    throw error;
  }
}

type Values = Record<string, string | boolean | undefined>;

function run(command: string, values: Values, positionals: string[]): number | Promise<number> {
  const str = (name: string) => values[name] as string | undefined;
  /** An option with a default (cli/usage.ts), so always set after parseArgs. */
  const defaulted = (name: string): string => {
    const value = str(name);
    if (value === undefined) throw new Error(`warden ${command}: --${name} is unset, but cli/usage.ts gives it a default`);
    return value;
  };
  const out = process.stdout;
  switch (command) {
    case 'replay':
      return replay({
        configFile: str('config') ?? 'config/warden.yml',
        worldFile: str('world'),
        at: str('at'),
        advance: str('advance'),
        json: values['json'] === true,
        html: str('html'),
        aws: values['aws'] === true,
        paths: positionals,
        out,
      });
    case 'metrics':
      return metrics({
        configFile: str('config') ?? 'config/warden.yml',
        worldFile: str('world'),
        aws: values['aws'] === true,
        since: str('since'),
        at: str('at'),
        json: values['json'] === true,
        paths: positionals,
        out,
      });
    case 'validate':
      return validate({ configFile: configOf(str('config'), positionals), policyFile: str('policy'), out });
    case 'policy':
      return policyCheck({
        subcommand: positionals[0],
        policyFile: defaulted('policy'),
        configFile: defaulted('config'),
        rulesFile: str('rules'),
        json: values['json'] === true,
        paths: positionals.slice(1),
        out,
        err: process.stderr,
      });
    case 'member-template':
      return memberTemplateCommand({ configFile: str('config'), actorRoleRegion: str('actor-role-region'), positionals, out });
    default:
      return redrive({ dlqArn: str('dlq-arn'), queueArn: str('queue-arn'), region: str('region'), out });
  }
}

/** `warden validate FILE` or `--config FILE`: one config file, named once. */
function configOf(option: string | undefined, positionals: readonly string[]): string {
  const files = [...(option === undefined ? [] : [option]), ...positionals];
  if (files.length > 1) throw new UsageError([`one config file at a time (got ${files.join(', ')})`]);
  return files[0] ?? 'config/warden.yml';
}

/** The command's own options only; node's parse errors said again in the command's words. */
function parseCommandArgs(command: string, args: string[]): { values: Values; positionals: string[] } {
  const spec = COMMANDS[command];
  if (!spec) throw new Error(`warden: no such command "${command}"`);
  const options = { ...spec.options, help: { type: 'boolean', short: 'h' } } as const;
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as { values: Values; positionals: string[] };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const option = /'(--?[\w-]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError([`unknown option ${option}`]);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const hint = VALUE_HINTS[option.replace(/^--/, '')];
      const takesValue = /argument missing|ambiguous/.test(message);
      throw new UsageError([takesValue ? `${option} needs a value${hint ? `: ${hint}` : ''}` : `${option} takes no value`]);
    }
    throw new UsageError([message]);
  }
}

function helpCommand(topic: string | undefined): number {
  if (topic === undefined || COMMANDS[topic]) return print(commandHelp(topic ?? ''));
  return fail('warden help', [`unknown command "${topic}"; commands: ${Object.keys(COMMANDS).join(', ')}`], '');
}

function print(text: string): number {
  process.stdout.write(text);
  return 0;
}

function fail(who: string, problems: readonly string[], usage: string): number {
  // Indented lines continue the problem above them (a file's list of problems).
  process.stderr.write(`${problems.map((p) => (p.startsWith(' ') ? `${p}\n` : `${who}: ${p}\n`)).join('')}${usage}`);
  return 2;
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
