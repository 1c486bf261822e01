/**
 * `warden member-template [--config FILE] [--actor-role-region REGION]`: prints the member stack
 * (infra/member.yml), the CloudFormation template each account and region of the organization gets,
 * with its parameter defaults taken from the config's `organization` section: the actor role's name,
 * the organization ID, and the region that creates the actor role. For accounts outside the
 * organization, deployed by hand (`aws cloudformation deploy --template-file …`).
 *
 * The defaults are replaced in the file's text, where the parsed document says each one is, so the
 * comments, the layout and CloudFormation's short-form tags (`!Ref`, `!Sub`, …) are printed untouched.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, type Node, parseDocument, type Scalar, type ScalarTag, type Tags } from 'yaml';
import type { Config } from '../functions/kernel/config/schema';
import { readConfigFile } from './config-file';
import { PROJECT_ROOT } from './files';
import { UsageError } from './usage';

export const MEMBER_TEMPLATE_FILE = path.join(PROJECT_ROOT, 'infra/member.yml');

/** As the template's ActorRoleRegion AllowedPattern, without the empty string. */
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export interface MemberTemplateOptions {
  readonly config?: Config;
  /** The region whose stack creates the actor role (IAM names are global to the account). */
  readonly actorRoleRegion?: string;
}

/**
 * The member template's text, with the defaults the config and options give; as the file is without them.
 *
 * @example memberTemplate({ config, actorRoleRegion: 'eu-west-1' }) // "…ActorRoleName:\n    Type: String\n    Default: 'acme-warden-actor'…"
 */
export function memberTemplate(options: MemberTemplateOptions): string {
  const organization = options.config?.organization;
  const defaults: Record<string, string | undefined> = {
    ActorRoleName: organization?.actorRoleName,
    OrganizationId: organization?.id,
    ActorRoleRegion: options.actorRoleRegion,
  };
  return withDefaults(readFileSync(MEMBER_TEMPLATE_FILE, 'utf8'), defaults);
}

/**
 * Replaces the `Default` of each parameter given (undefined: kept) in a template's text. Each new
 * value is checked against the parameter's AllowedPattern, as CloudFormation would when deploying.
 */
export function withDefaults(text: string, defaults: Readonly<Record<string, string | undefined>>): string {
  const doc = parseTemplateDocument(text);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const [name, value] of Object.entries(defaults)) {
    if (value === undefined) continue;
    const node = doc.getIn(['Parameters', name, 'Default'], true);
    if (!isScalar(node) || !node.range) throw new Error(`${MEMBER_TEMPLATE_FILE}: parameter ${name} has no Default`);
    const allowed = doc.getIn(['Parameters', name, 'AllowedPattern']);
    if (typeof allowed === 'string' && !new RegExp(allowed).test(value)) {
      throw new Error(`${name}: ${JSON.stringify(value)} does not match the parameter's AllowedPattern ${allowed}`);
    }
    // A single-quoted YAML scalar holds any text: only its own quote is doubled.
    edits.push({ start: node.range[0], end: node.range[1], text: `'${value.replaceAll("'", "''")}'` });
  }
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/** `warden member-template`: the template on `out`; a config that cannot be read is a UsageError, like replay's. */
export function memberTemplateCommand(options: {
  configFile?: string | undefined;
  actorRoleRegion?: string | undefined;
  positionals: readonly string[];
  out: NodeJS.WritableStream;
}): number {
  const problems = options.positionals.length ? [`takes no file or folder (got ${options.positionals.join(', ')}); the config is --config FILE`] : [];
  if (options.actorRoleRegion !== undefined && !REGION.test(options.actorRoleRegion)) {
    problems.push(`--actor-role-region: not an AWS region: ${JSON.stringify(options.actorRoleRegion)} (example: eu-west-1)`);
  }
  let config: Config | undefined;
  if (options.configFile !== undefined) {
    const read = readConfigFile(options.configFile);
    if (read.ok) config = read.config;
    else problems.push(`${options.configFile}: invalid configuration`, ...read.problems.map((p) => `  ${p}`));
  }
  if (problems.length) throw new UsageError(problems);
  options.out.write(memberTemplate({ ...(config ? { config } : {}), ...(options.actorRoleRegion ? { actorRoleRegion: options.actorRoleRegion } : {}) }));
  return 0;
}

/** CloudFormation's short-form intrinsic functions, `!Ref X` for `{ Ref: X }` and `!Name …` for `{ 'Fn::Name': … }`. */
const INTRINSICS = [
  'Ref',
  'Condition',
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
] as const;

/** Each short form on a scalar, a sequence or a mapping: the node is kept as written (and printed back with its tag). */
const CLOUDFORMATION_TAGS: Tags = INTRINSICS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => value } satisfies ScalarTag,
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: Node) => value },
  { tag: `!${name}`, collection: 'map' as const, resolve: (value: Node) => value },
]);

/** A CloudFormation YAML template as a `yaml` Document; its short-form tags are known, so a problem is only a real one. */
function parseTemplateDocument(text: string) {
  const doc = parseDocument(text, { customTags: CLOUDFORMATION_TAGS });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) throw new Error(`not a CloudFormation YAML template: ${problems.map((p) => p.message.split('\n')[0]).join('; ')}`);
  return doc;
}

/**
 * A CloudFormation YAML template as CloudFormation reads it: short forms in their long form
 * (`!GetAtt A.Arn` → `{ 'Fn::GetAtt': ['A', 'Arn'] }`, `!Sub s` → `{ 'Fn::Sub': 's' }`).
 *
 * @example parseCloudFormation('Value: !Ref Bus') // { Value: { Ref: 'Bus' } }
 */
export function parseCloudFormation(text: string): unknown {
  return toCloudFormation(parseTemplateDocument(text).contents);
}

function toCloudFormation(node: unknown): unknown {
  const tag = isScalar(node) || isMap(node) || isSeq(node) ? node.tag : undefined;
  const name = tag?.startsWith('!') ? tag.slice(1) : undefined;
  const value = isMap(node)
    ? Object.fromEntries(node.items.map((pair) => [String(isScalar(pair.key) ? pair.key.value : pair.key), toCloudFormation(pair.value)]))
    : isSeq(node)
      ? node.items.map(toCloudFormation)
      : isScalar(node)
        ? (node as Scalar).value
        : node === null || node === undefined
          ? null
          : node;
  if (name === undefined) return value;
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}
