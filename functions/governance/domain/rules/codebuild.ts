/** CodeBuild project rules: privileged mode, plaintext credentials, logging. */

import { glob } from '../../../kernel/config/fields';
import * as z from '../../../kernel/zod';
import { defineRule, type Finding, type RuleHelpers } from '../custom';
import type { EnvironmentVariable } from '../definitions';
import { credentialIn } from '../secrets';

const globs = (empty: string) => z.array(glob).check(z.minLength(1, empty));

/** Privileged mode gives the build root on the Docker daemon; only image-building projects need it. */
export const codebuildPrivilegedMode = defineRule({
  id: 'codebuild-privileged-mode',
  kind: 'project',
  description: 'A CodeBuild project does not run in privileged mode unless the policy allow-lists it.',
  params: z._default(z.strictObject({ allow: z.optional(globs('list is empty; omit the key to allow no project')) }), {}),
  check(project, params, helpers) {
    if (project.environment?.privilegedMode !== true) return [];
    if (params.allow?.some((glob) => helpers.glob(glob)(project.name))) return [];
    return [
      {
        message: `project ${project.name} runs in privileged mode (environment.privilegedMode: true), which gives its builds root on the Docker host; turn it off, or add the project to this rule's params.allow if it builds container images`,
      },
    ];
  },
});

const DEFAULT_SECRET_NAMES = ['*TOKEN*', '*SECRET*', '*PASSWORD*', '*PASSWD*', '*API_KEY*', '*APIKEY*', '*PRIVATE_KEY*', '*ACCESS_KEY*', '*CREDENTIAL*'];
const SECRETS_DEFAULTS = { names: DEFAULT_SECRET_NAMES };

/**
 * No credential in a PLAINTEXT environment variable: anyone who can read the project (or its
 * builds) reads it. Flagged by the variable's name (globs, case-insensitive) or by the shape of
 * its value (AWS keys, GitHub/Slack tokens, private keys); the value itself is never printed.
 */
export const codebuildPlaintextSecrets = defineRule({
  id: 'codebuild-plaintext-secrets',
  kind: 'project',
  description: 'A CodeBuild project has no PLAINTEXT environment variable that looks like a credential (by name or by value).',
  params: z._default(
    z.strictObject({
      names: z._default(globs('list is empty; to check values only, use ignoreNames: ["*"]'), DEFAULT_SECRET_NAMES),
      /** Names that match `names` but hold no secret (e.g. TOKEN_AUDIENCE). Values are still checked. */
      ignoreNames: z.optional(globs('list is empty; omit the key')),
    }),
    SECRETS_DEFAULTS,
  ),
  check(project, params, helpers) {
    const matchesAny = (patterns: readonly string[] | undefined, name: string) => (patterns ?? []).some((glob) => upperGlob(helpers, glob)(name.toUpperCase()));
    return (project.environment?.environmentVariables ?? [])
      .filter((variable) => (variable.type ?? 'PLAINTEXT') === 'PLAINTEXT')
      .flatMap((variable): Finding[] => {
        const message = plaintextProblem(variable, (name) => matchesAny(params.names, name) && !matchesAny(params.ignoreNames, name));
        return message
          ? [{ message: `${message}; store it in Secrets Manager or Parameter Store and set the variable's type to SECRETS_MANAGER or PARAMETER_STORE` }]
          : [];
      });
  },
});

/** Globs of names compare upper-cased on both sides: `*token*` and `*TOKEN*` mean the same. */
function upperGlob(helpers: RuleHelpers, glob: string) {
  return helpers.glob(glob.toUpperCase());
}

function plaintextProblem(variable: EnvironmentVariable, secretName: (name: string) => boolean): string | undefined {
  const value = variable.value ?? '';
  const credential = credentialIn(value);
  if (credential) return `environment variable ${variable.name} is PLAINTEXT and its value looks like ${credential.kind} (${credential.shown})`;
  // A value that only points at where the secret lives (an ARN) or no value at all is no leak.
  if (value === '' || value.startsWith('arn:')) return undefined;
  if (secretName(variable.name)) return `environment variable ${variable.name} is PLAINTEXT and its name says it holds a secret (value not shown)`;
  return undefined;
}

/** Build logs are evidence: a project that logs nowhere leaves no trace of what it built. */
export const codebuildLogging = defineRule({
  id: 'codebuild-logging',
  kind: 'project',
  description: 'A CodeBuild project sends its build logs to CloudWatch Logs or S3.',
  check(project) {
    // CloudWatch Logs are on unless logsConfig.cloudWatchLogs says DISABLED; S3 logs are off unless ENABLED.
    const cloudWatch = (project.logsConfig?.cloudWatchLogs?.status ?? 'ENABLED') === 'ENABLED';
    const s3 = project.logsConfig?.s3Logs?.status === 'ENABLED';
    if (cloudWatch || s3) return [];
    return [
      {
        message: `project ${project.name} has both CloudWatch Logs and S3 logs disabled; set logsConfig.cloudWatchLogs.status (or logsConfig.s3Logs.status) to ENABLED`,
      },
    ];
  },
});
