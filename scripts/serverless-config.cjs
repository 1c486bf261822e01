'use strict';
/**
 * Bridges the routing configuration (config/warden.yml) into serverless.yml at package time.
 *
 * serverless.yml reads each export with `${file(./scripts/serverless-config.cjs):<name>}`; osls calls the
 * exported function with `{ resolveVariable }`, so the config path can come from a stack parameter.
 *
 * Choosing the file: `serverless package --param="config=path/to/warden.yml"` (default
 * `config/warden.yml`, relative to the project). A `--config` option cannot be used: osls already owns
 * `--config`/`-c` (the path of serverless.yml itself) and rejects options it does not know.
 *
 * The file is validated as `warden validate` does (cli/config-problems.ts, loaded from TypeScript
 * through tsx), so an invalid config fails `serverless package` with every problem and its path,
 * printed once, instead of failing in Lambda at the first event. A stage that would make a
 * physical name too long is refused the same way (cli/stage-names.ts).
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');

const PROJECT_DIR = path.resolve(__dirname, '..');
const DEFAULT_CONFIG = 'config/warden.yml';

/** @type {Map<string, object>} validated config per absolute path: every export reads it once. */
const cache = new Map();

/** Problems that stop the package: a title and every problem, one per line. */
class InvalidConfigError extends Error {
  constructor(title, problems) {
    super(`${title}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
    this.problems = problems;
    // osls prints the stack of a failed variable source; the JS frames would only bury the problems.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** A TypeScript module of the project, loaded through tsx (scoped: it does not hook every later require). */
function loadTs(file) {
  const { require: tsxRequire } = require('tsx/cjs/api');
  return tsxRequire(file, __filename);
}

/** The same reading as `warden validate`: schema problems and the checks across sections, in one pass. */
function loadParseConfig() {
  return loadTs('../cli/config-problems.ts').parseConfigFully;
}

/**
 * Reads and validates a file once per path (every `${file(...)}` export reads it); a file found
 * invalid throws InvalidConfigError listing every problem.
 */
function loadValidated(filePath, { kind, cache, parse }) {
  const file = path.resolve(PROJECT_DIR, filePath);
  const cached = cache.get(file);
  if (cached) return cached;
  const where = path.relative(PROJECT_DIR, file);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidConfigError(`Invalid pipeline-warden ${kind} ${where}`, [`cannot read the file: ${error.message}`]);
  }
  const result = parse(text);
  if (!result.ok) throw new InvalidConfigError(`Invalid pipeline-warden ${kind} ${where}`, result.problems);
  const value = kind === 'policy' ? result.policy : result.config;
  cache.set(file, value);
  return value;
}

/**
 * Reads and validates a config file. Throws InvalidConfigError listing every problem.
 * @param {string} configPath absolute, or relative to the project
 */
function loadConfig(configPath) {
  return loadValidated(configPath, { kind: 'config', cache, parse: (text) => loadParseConfig()(text) });
}

const DEFAULT_POLICY = 'config/policy.yml';
/** @type {Map<string, object>} validated policy per absolute path */
const policies = new Map();

/**
 * Reads and validates the governance policy (config/policy.yml) with the same `parsePolicy` and
 * custom rules (config/custom-rules.ts) as `warden policy check`. Throws listing every problem.
 */
function loadPolicy(policyPath) {
  return loadValidated(policyPath, {
    kind: 'policy',
    cache: policies,
    parse: (text) => loadTs('../functions/core/governance/policy-schema.ts').parsePolicy(text, { customRules: loadTs('../config/custom-rules.ts').customRules }),
  });
}

async function policyFromParams({ resolveVariable }) {
  return loadPolicy(await resolveVariable(`param:policy, '${DEFAULT_POLICY}'`));
}

async function configFromParams({ resolveVariable }) {
  const configPath = await resolveVariable(`param:config, '${DEFAULT_CONFIG}'`);
  return loadConfig(configPath);
}

/** Stages already found to fit every physical name of the stack. */
const fittingStages = new Set();

/**
 * Refuses a stage that makes a physical name longer than AWS allows (cli/stage-names.ts), with
 * each name and its limit: CloudFormation would only fail half-way through the deployment.
 */
async function checkStage({ resolveVariable }) {
  const stage = String(await resolveVariable('sls:stage'));
  if (fittingStages.has(stage)) return;
  const { problems, longest } = loadTs('../cli/stage-names.ts').stageNameProblems(PROJECT_DIR, stage);
  if (problems.length) throw new InvalidConfigError(`Stage "${stage}" (${stage.length} characters) is too long: at most ${longest} fit every name of the stack`, problems);
  fittingStages.add(stage);
}

/**
 * An export for osls. osls calls every `${file(...)}` of serverless.yml, collects each failure and
 * prints them all, each wrapped in "Cannot resolve variable at …": one invalid config made twenty
 * copies. So the first failure prints its problems once and ends the process with status 1.
 */
function resolver(resolve) {
  return async (ctx) => {
    try {
      await checkStage(ctx);
      return await resolve(ctx);
    } catch (error) {
      if (!(error instanceof InvalidConfigError)) throw error;
      process.stderr.write(`\nError:\n${error.message}\n`);
      return process.exit(1);
    }
  };
}

/** `secretsmanager:<name>`: a secret by name, as functions/adapters/slack-token.ts reads it. */
const SECRET_NAME_PREFIX = 'secretsmanager:';

/** A Secrets Manager secret (ARN or `secretsmanager:<name>`); anything else is an SSM parameter. */
function isSecret(name) {
  return /^arn:aws[a-z-]*:secretsmanager:/.test(name) || name.startsWith(SECRET_NAME_PREFIX);
}

/**
 * IAM resource of the token. The account comes from `Fn::Sub` (`${AWS::AccountId}`), resolved by
 * CloudFormation at deploy time: `${aws:accountId}` would need credentials at package time, and a `*`
 * account would grant reading a same-named parameter in any account.
 */
function tokenResourceOf(name) {
  // A full ARN (SSM parameter, or secret with its 6-character suffix) is used as given.
  if (name.startsWith('arn:')) return name;
  if (name.startsWith(SECRET_NAME_PREFIX)) {
    // Secret ARNs end in `-` and 6 random characters that the name does not know.
    const secret = name.slice(SECRET_NAME_PREFIX.length);
    return { 'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secret}-??????` };
  }
  // SSM ARNs put a `/` between `parameter` and the name; a hierarchical name already starts with one.
  const suffix = name.startsWith('/') ? name : `/${name}`;
  return { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${suffix}` };
}

/** The SNS topics routes name explicitly (`default` is the stack's own topic, granted separately). */
function topicArnsOf(config) {
  const arns = config.routes.flatMap((route) => route.email?.topics ?? []).filter((topic) => topic !== 'default');
  return [...new Set(arns)].sort();
}

/**
 * esbuild `define`: the validated config (defaults applied) as a JS string literal, read by the
 * handler as `WARDEN_EMBEDDED_CONFIG`. `$` is written `\u0024` so osls never mistakes a `${` in a
 * route for a variable of its own when it re-reads the resolved value.
 */
/** A value as the JS string literal of its JSON; `$` escaped so osls never reads `${` as a variable. */
function embeddedLiteral(value) {
  return JSON.stringify(JSON.stringify(value)).replaceAll('$', '\\u0024');
}

function esbuildDefineOf(config) {
  const literal = embeddedLiteral;
  return {
    WARDEN_EMBEDDED_CONFIG: literal(config),
    // The routes' globs as picomatch's regular expressions: picomatch itself stays out of the bundle.
    WARDEN_EMBEDDED_GLOBS: literal(loadTs('../functions/core/glob-picomatch.ts').compileGlobs(config)),
  };
}

/**
 * IAM resource patterns for the approval functions, from the approval policies' globs: the
 * pipelines they read (`<pipeline>`) and the approval actions they may decide
 * (`<pipeline>/<stage>/<action>`, the resource type of codepipeline:PutApprovalResult). IAM ARNs
 * only know `*` and `?`: a glob with other syntax (`{a,b}`, `[0-9]`, `!(x)`) widens to `*` at that
 * level, never narrows. No approvals section: no approval is decided from Slack, and nothing is granted.
 */
function approvalResourcesOf(config) {
  const iam = (glob) => (/^[A-Za-z0-9.@\-_*?]+$/.test(glob) ? glob : '*');
  const arn = (suffix) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:${suffix}` });
  const policies = config.approvals?.policies ?? [];
  const pipelines = new Set();
  const actions = new Set();
  for (const policy of policies) {
    for (const p of (policy.match.pipelines ?? ['*']).map(iam)) {
      pipelines.add(p);
      for (const s of (policy.match.stages ?? ['*']).map(iam)) for (const a of (policy.match.actions ?? ['*']).map(iam)) actions.add(`${p}/${s}/${a}`);
    }
  }
  // IAM refuses an empty Resource list: with no policy, grant on a pipeline name nobody can have.
  const none = ['pipeline-warden-no-approval-policy'];
  return { pipelines: (pipelines.size ? [...pipelines].sort() : none).map(arn), actions: (actions.size ? [...actions].sort() : none).map(arn) };
}

/**
 * IAM resources of the rollback functions, from the config's rollback guards: the CodeDeploy
 * deployment groups and applications, and the pipelines and stages (`<pipeline>/<stage>`) they
 * guard. Guards name targets exactly (no globs), so these are the exact ARNs. No guard: a name
 * nobody can have (IAM refuses an empty Resource list).
 */
function rollbackResourcesOf(config) {
  const guards = (config.rollback && config.rollback.guards) || [];
  const sub = (suffix) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${suffix}` });
  const unique = (values) => [...new Set(values)].sort();
  const none = 'pipeline-warden-no-rollback-guard';
  const or = (values, fallback) => (values.length ? values : [fallback]);
  const deploy = guards.flatMap((g) => (g.codedeploy ? [g.codedeploy] : []));
  const stages = guards.flatMap((g) => (g.pipeline ? [g.pipeline] : []));
  return {
    deploymentGroups: or(unique(deploy.map((d) => `${d.application}/${d.deploymentGroup}`)), `${none}/${none}`).map((n) => sub(`codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:${n}`)),
    applications: or(unique(deploy.map((d) => d.application)), none).map((n) => sub(`codedeploy:\${AWS::Region}:\${AWS::AccountId}:application:${n}`)),
    pipelines: or(unique(stages.flatMap((p) => [p.name, `${p.name}/${p.stage}`])), none).map((n) => sub(`codepipeline:\${AWS::Region}:\${AWS::AccountId}:${n}`)),
  };
}

/**
 * ssm:GetCalendarState resources: the config's governance.changeCalendars (a name is a document of
 * this account and region, an ARN a calendar shared from elsewhere). None: a name nobody can have
 * (IAM refuses an empty Resource list).
 */
function changeCalendarResourcesOf(config) {
  const calendars = (config.governance && config.governance.changeCalendars) || [];
  const names = calendars.length ? [...new Set(calendars)].sort() : ['pipeline-warden-no-change-calendar'];
  return names.map((c) => (c.startsWith('arn:') ? c : { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/${c}` }));
}

/**
 * Break-glass from Slack (the `bypass:` route) re-opens a production stage a freeze closed: the
 * pipelines of the freezes that have break-glass approvers, and their production stages
 * (`<pipeline>/<stage>`, the resource type of Disable/EnableStageTransition). undefined when no
 * freeze has break-glass approvers: then the Slack endpoint gets none of these permissions.
 *
 * IAM ARNs only know `*` and `?`, match case-sensitively and cannot exclude. So a production-stage
 * glob widens: `!` exclusions are dropped, other glob syntax becomes `?` (one character class) or
 * `*`; and matching, which is case-insensitive in the config, is granted for the spellings stage
 * names use: lower, Capitalized and UPPER (`*prod*`, `*Prod*`, `*PROD*`). A stage spelled otherwise
 * (`pRoD`) is refused by IAM: break-glass fails closed there.
 */
function breakGlassResourcesOf(config) {
  const freezes = ((config.governance && config.governance.freezes) || []).filter((f) => f.breakGlass && f.breakGlass.approvers.length > 0);
  if (freezes.length === 0) return undefined;
  const iam = (glob) => (/^[A-Za-z0-9.@\-_*?]+$/.test(glob) ? glob : '*');
  const stageGlob = (glob) => glob.replace(/\[[^\]]*\]/g, '?').replace(/\{[^}]*\}/g, '*');
  const spellings = (glob) => [glob.toLowerCase(), glob.toLowerCase().replace(/[a-z]/, (c) => c.toUpperCase()), glob.toUpperCase()];
  const stages = [...new Set(config.productionStages.filter((g) => !g.startsWith('!')).map(stageGlob).map(iam).flatMap(spellings))];
  const pipelines = [...new Set(freezes.flatMap((f) => (f.pipelines || ['*']).map(iam)))].sort();
  const arn = (suffix) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:${suffix}` });
  return { pipelines: pipelines.map(arn), stages: pipelines.flatMap((p) => stages.map((stage) => arn(`${p}/${stage}`))) };
}

// The policy is not created then (its Condition is false); IAM still wants a well-formed resource.
const NO_BREAK_GLASS = { pipelines: ['arn:aws:codepipeline:::pipeline-warden-no-break-glass'], stages: ['arn:aws:codepipeline:::pipeline-warden-no-break-glass/none'] };

/** Each `${file(./scripts/serverless-config.cjs):<name>}` of serverless.yml and infra/*.yml. */
const resolvers = {
  // The governance policy rides along in every bundle's `define`: one esbuild setting serves all
  // functions, and only the governance function reads WARDEN_EMBEDDED_POLICY (esbuild drops it elsewhere).
  esbuildDefine: async (ctx) => ({ ...esbuildDefineOf(await configFromParams(ctx)), WARDEN_EMBEDDED_POLICY: embeddedLiteral(await policyFromParams(ctx)) }),
  /** The whole IAM statement: the action differs between SSM and Secrets Manager. */
  tokenIamStatement: async (ctx) => {
    const name = (await configFromParams(ctx)).slack.tokenParameter;
    return {
      Sid: 'ReadSlackToken',
      Effect: 'Allow',
      // A SecureString under the AWS managed key aws/ssm needs no kms:Decrypt grant; a customer managed
      // key would (grant it on that key, never on `*`).
      Action: isSecret(name) ? ['secretsmanager:GetSecretValue'] : ['ssm:GetParameter'],
      Resource: tokenResourceOf(name),
    };
  },
  /** Like tokenIamStatement, for the Slack app's signing secret (slack.signingSecretParameter). */
  signingSecretIamStatement: async (ctx) => {
    const name = (await configFromParams(ctx)).slack.signingSecretParameter;
    return {
      Sid: 'ReadSlackSigningSecret',
      Effect: 'Allow',
      Action: isSecret(name) ? ['secretsmanager:GetSecretValue'] : ['ssm:GetParameter'],
      Resource: tokenResourceOf(name),
    };
  },
  topicArns: async (ctx) => topicArnsOf(await configFromParams(ctx)),
  /** codepipeline read resources of the approval policies (see approvalResourcesOf). */
  approvalPipelineResources: async (ctx) => approvalResourcesOf(await configFromParams(ctx)).pipelines,
  /** codepipeline:PutApprovalResult resources of the approval policies. */
  approvalActionResources: async (ctx) => approvalResourcesOf(await configFromParams(ctx)).actions,
  /** codedeploy resources of the rollback guards (deployment groups, their applications). */
  rollbackDeploymentGroupResources: async (ctx) => rollbackResourcesOf(await configFromParams(ctx)).deploymentGroups,
  rollbackApplicationResources: async (ctx) => rollbackResourcesOf(await configFromParams(ctx)).applications,
  /** codepipeline resources of the rollback guards: each pipeline and its guarded stage. */
  rollbackPipelineResources: async (ctx) => rollbackResourcesOf(await configFromParams(ctx)).pipelines,
  /** ssm:GetCalendarState resources: the change calendars governance reads (see changeCalendarResourcesOf). */
  changeCalendarResources: async (ctx) => changeCalendarResourcesOf(await configFromParams(ctx)),
  /** 'true' when some freeze has break-glass approvers: the condition of the Slack endpoint's break-glass policy. */
  breakGlassEnabled: async (ctx) => String(breakGlassResourcesOf(await configFromParams(ctx)) !== undefined),
  /** The pipelines and production stages break-glass may re-open (see breakGlassResourcesOf). */
  breakGlassPipelineResources: async (ctx) => (breakGlassResourcesOf(await configFromParams(ctx)) ?? NO_BREAK_GLASS).pipelines,
  breakGlassStageResources: async (ctx) => (breakGlassResourcesOf(await configFromParams(ctx)) ?? NO_BREAK_GLASS).stages,
  /** sns:Publish resources: the stack's topic plus every topic the routes name. */
  publishTopicResources: async (ctx) => [{ Ref: 'NotificationsTopic' }, ...topicArnsOf(await configFromParams(ctx))],
};

module.exports = {
  ...Object.fromEntries(Object.entries(resolvers).map(([name, resolve]) => [name, resolver(resolve)])),
  // For tests and the CLI: the same functions without osls.
  loadConfig,
  loadPolicy,
  esbuildDefineOf,
  tokenResourceOf,
  topicArnsOf,
  approvalResourcesOf,
  rollbackResourcesOf,
  changeCalendarResourcesOf,
  breakGlassResourcesOf,
  InvalidConfigError,
};
