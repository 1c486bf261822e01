/**
 * Whether a stage name keeps every physical name of the stack within AWS's limits. The stage goes
 * into the names (`pipeline-warden-<stage>-approvalEvents`), and a name too long fails only in
 * CloudFormation, half-way through a deployment; `serverless package` refuses it instead
 * (infra/packaging/osls.ts). The names are read from serverless.yml and infra/*.yml, as osls
 * builds them, so a new function or queue is checked without a list to keep up to date.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';

/** Name properties CloudFormation passes to AWS as given, and their limits (each service's API reference). */
const LIMITS: Readonly<Record<string, { property: string; what: string; max: number }>> = {
  'AWS::Lambda::Function': { property: 'FunctionName', what: 'Lambda function name', max: 64 },
  'AWS::StepFunctions::StateMachine': { property: 'StateMachineName', what: 'state machine name', max: 80 },
  'AWS::SQS::Queue': { property: 'QueueName', what: 'SQS queue name', max: 80 },
  'AWS::Events::Rule': { property: 'Name', what: 'EventBridge rule name', max: 64 },
  'AWS::DynamoDB::Table': { property: 'TableName', what: 'DynamoDB table name', max: 255 },
  'AWS::SNS::Topic': { property: 'TopicName', what: 'SNS topic name', max: 256 },
  'AWS::KMS::Alias': { property: 'AliasName', what: 'KMS alias name', max: 256 },
  'AWS::IAM::Role': { property: 'RoleName', what: 'IAM role name', max: 64 },
  'AWS::IAM::ManagedPolicy': { property: 'ManagedPolicyName', what: 'IAM policy name', max: 128 },
  'AWS::Logs::LogGroup': { property: 'LogGroupName', what: 'log group name', max: 512 },
  'AWS::CloudWatch::Alarm': { property: 'AlarmName', what: 'CloudWatch alarm name', max: 255 },
};

export interface PhysicalName {
  readonly what: string;
  /** With `${self:service}` and the stage variables in place; other variables left as written. */
  readonly template: string;
  readonly max: number;
}

/** A YAML mapping, its values as parsed (anything YAML holds). */
type Doc = Readonly<Record<string, unknown>>;
const readYaml = (file: string): Doc => (parseDocument(readFileSync(file, 'utf8'), { logLevel: 'silent' }).toJS() ?? {}) as Doc;
/** `value?.[key]` on a parsed YAML value of any type. */
const field = (value: unknown, key: string): unknown => (value === null || value === undefined ? undefined : (value as Doc)[key]);

/** Every name the stack gives AWS that contains the stage, as osls and CloudFormation will. */
export function physicalNames(projectDir: string): { service: string; names: PhysicalName[] } {
  const main = readYaml(path.join(projectDir, 'serverless.yml'));
  const infraDir = path.join(projectDir, 'infra');
  const features = readdirSync(infraDir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => readYaml(path.join(infraDir, f)));
  const service = String(main['service']);
  const functions = [...features.map((f) => f['functions'] ?? {}), ...(Array.isArray(main['functions']) ? main['functions'] : [main['functions'] ?? {}])]
    .filter((f): f is Doc => typeof f === 'object' && f !== null)
    .flatMap((f) => Object.entries(f));
  const functionNames = functions.map(([key, fn]) => String(field(fn, 'name') ?? `\${self:service}-\${sls:stage}-${key}`));
  const names: PhysicalName[] = [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless variables, resolved by osls (and below), not JavaScript
    { what: 'CloudFormation stack name', template: '${self:service}-${sls:stage}', max: 128 },
    ...functionNames.flatMap((name) => [
      { what: 'Lambda function name', template: name, max: 64 },
      { what: 'log group name', template: `/aws/lambda/${name}`, max: 512 },
    ]),
    ...features.flatMap((f) => {
      const name = field(f['stateMachine'], 'name');
      return name ? [{ what: 'state machine name', template: String(name), max: 80 }] : [];
    }),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless variables, resolved by osls (and below), not JavaScript
    ...(JSON.stringify(functions).includes('"httpApi"') ? [{ what: 'HTTP API name', template: '${sls:stage}-${self:service}', max: 128 }] : []),
    ...[main, ...features].flatMap(resourceNames),
  ];
  return { service, names };
}

function resourceNames(doc: Doc): PhysicalName[] {
  const blocks: unknown[] = Array.isArray(doc['resources']) ? doc['resources'] : [doc['resources'] ?? {}];
  return blocks.flatMap((block) =>
    Object.values((field(block, 'Resources') ?? {}) as Doc).flatMap((resource) => {
      const limit = LIMITS[String(field(resource, 'Type'))];
      const name = limit ? field(field(resource, 'Properties'), limit.property) : undefined;
      return limit && typeof name === 'string' ? [{ what: limit.what, template: name, max: limit.max }] : [];
    }),
  );
}

const STAGE = /\$\{(?:sls:stage|self:provider\.stage|opt:stage[^}]*)\}/g;

/**
 * One problem per name the stage makes too long, and the longest stage that fits every name.
 *
 * @example stageNameProblems('/project', 'feature-very-long-branch-name-1234')
 * // { longest: 33, problems: ['stage "feature-…-1234": Lambda function name pipeline-warden-feature-…-1234-approvalEvents is 65 characters; AWS allows 64'] }
 */
export function stageNameProblems(projectDir: string, stage: string): { problems: string[]; longest: number } {
  const { service, names } = physicalNames(projectDir);
  const problems: string[] = [];
  let longest = Infinity;
  for (const { what, template, max } of names) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the serverless variable, replaced by its value as osls would
    const withService = template.replaceAll('${self:service}', service);
    const stages = withService.match(STAGE)?.length ?? 0;
    const name = withService.replace(STAGE, stage);
    if (stages === 0 || name.includes('${')) continue; // no stage in it, or a name only osls can resolve
    longest = Math.min(longest, Math.floor((max - (name.length - stages * stage.length)) / stages));
    if (name.length > max) problems.push(`stage "${stage}": ${what} ${name} is ${name.length} characters; AWS allows ${max}`);
  }
  return { problems: [...new Set(problems)], longest };
}
