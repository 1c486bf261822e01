/**
 * The `--world` file of `warden replay` (README.md, "Testing a configuration with replay"):
 * validated like the config, strict where a typo would silently answer nothing (an unknown section
 * or key), every problem with the file's name and its path. Lenient only where AWS output is
 * copied in as is (get-pipeline, get-deployment, batch-get-projects: `looseObject` schemas).
 *
 * Each section is the schema of the replay target that reads it (cli/targets/approval.ts,
 * governance.ts, world-slack.ts, functions/rollback/world/), so the file is checked exactly as replayed.
 */

import { GetPipelineOutputSchema } from '../functions/governance/domain/definitions';
import { formatIssue } from '../functions/kernel/issues';
import * as z from '../functions/kernel/zod';
import type { World } from '../functions/platform/recording';
import { RollbackWorldSection } from '../functions/rollback/world/world';
import { readTextFile } from './config-file';
import { ApprovalWorld } from './targets/approval';
import { GovernanceWorldSection } from './targets/governance';
import { SlackWorld } from './targets/world-slack';

/** Build logs by log group, then stream: `{ "/aws/codebuild/app": { "<uuid>": ["line", ...] } }`. */
const Logs = z.record(z.string(), z.record(z.string(), z.array(z.string())));
/** Pipeline definitions by name, as `aws codepipeline get-pipeline --name X` prints them. */
const Pipelines = z.record(z.string(), GetPipelineOutputSchema);
/** Pipelines' resource tags by name: `{ "payments-api": { "team": "payments" } }`. */
const Tags = z.record(z.string(), z.record(z.string(), z.string()));

const str = z.optional(z.string());
/** CodeCommit commits keyed `<repository>/<commitId>`, as `aws codecommit get-commit` prints them (`{ "commit": … }`). */
const Commits = z.record(
  z.string().check(z.regex(/^[^/]+\/[0-9a-f]{40}$/, 'must be <repository>/<full commit id>')),
  z.strictObject({
    commit: z.looseObject({
      commitId: str,
      message: str,
      author: z.optional(z.looseObject({ name: str, email: str, date: str })),
    }),
  }),
);
/** One target of `aws deploy batch-get-deployment-targets` (any compute platform). */
const Target = z.looseObject({
  targetId: str,
  targetArn: str,
  status: str,
  lifecycleEvents: z.optional(
    z.array(
      z.looseObject({
        lifecycleEventName: str,
        status: str,
        diagnostics: z.optional(z.looseObject({ errorCode: str, scriptName: str, message: str, logTail: str })),
      }),
    ),
  ),
});
/**
 * CodeDeploy deployments by id: `aws deploy get-deployment`'s `deploymentInfo` and
 * `aws deploy batch-get-deployment-targets`' `deploymentTargets` (every target; replay reads the failed ones).
 */
const Deployments = z.record(
  z.string(),
  z.strictObject({
    deploymentInfo: z.looseObject({
      deploymentId: str,
      status: str,
      errorInformation: z.optional(z.looseObject({ code: str, message: str })),
      deploymentOverview: z.optional(z.looseObject({ Failed: z.optional(z.number()) })),
    }),
    deploymentTargets: z.optional(
      z.array(
        z.looseObject({
          deploymentTargetType: str,
          instanceTarget: z.optional(Target),
          lambdaTarget: z.optional(Target),
          ecsTarget: z.optional(Target),
          cloudFormationTarget: z.optional(Target),
        }),
      ),
    ),
  }),
);
/** CloudFormation stacks by name: `aws cloudformation describe-stack-events --stack-name X` (newest first). */
const Stacks = z.record(
  z.string(),
  z.strictObject({
    StackEvents: z.array(z.looseObject({ StackName: str, LogicalResourceId: str, ResourceType: str, ResourceStatus: str, ResourceStatusReason: str })),
  }),
);
/**
 * CloudFormation stack sets by name: `Summaries` as `aws cloudformation list-stack-set-operations`
 * prints them, `results` by operation id as `list-stack-set-operation-results` prints them.
 */
const StackSets = z.record(
  z.string(),
  z.strictObject({
    Summaries: z.optional(z.array(z.looseObject({ OperationId: str, Status: str, StatusReason: str, CreationTimestamp: str }))),
    results: z.optional(
      z.record(z.string(), z.strictObject({ Summaries: z.optional(z.array(z.looseObject({ Account: str, Region: str, Status: str, StatusReason: str }))) })),
    ),
  }),
);
/** CodeCommit comments by comment id, as `aws codecommit get-comment` prints them (`{ "comment": … }`). */
const Comments = z.record(
  z.string(),
  z.strictObject({ comment: z.looseObject({ commentId: str, content: str, authorArn: str, deleted: z.optional(z.boolean()), inReplyTo: str }) }),
);
/** ECS services keyed `<cluster>/<service>`: one service as `aws ecs describe-services` prints it (`events` newest first). */
const EcsServices = z.record(
  z.string().check(z.regex(/^[^/]+\/[^/]+$/, 'must be <cluster>/<service>')),
  z.looseObject({ serviceName: str, events: z.optional(z.array(z.looseObject({ id: str, createdAt: str, message: str }))) }),
);

/** What an account answers: at the top level for every account, and per member account under `accounts`. */
const AccountSections = {
  logs: z.optional(Logs),
  pipelines: z.optional(Pipelines),
  tags: z.optional(Tags),
  deployments: z.optional(Deployments),
  stacks: z.optional(Stacks),
  stackSets: z.optional(StackSets),
  ecsServices: z.optional(EcsServices),
  commits: z.optional(Commits),
  comments: z.optional(Comments),
};

export const WorldFileSchema = z.strictObject({
  /** Free text for people reading the file. */
  description: z.optional(z.string()),
  ...AccountSections,
  /**
   * Per member account (organization mode): its own sections, read for events of that account before
   * the top-level ones (which serve every account).
   */
  accounts: z.optional(z.record(z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account ID')), z.strictObject(AccountSections))),
  /** Keyed `<pipeline>/<stage>/<action>`, or `<pipeline>/<execution-id>/<stage>/<action>` for one execution. */
  approvals: z.optional(z.record(z.string(), ApprovalWorld)),
  /** Slack's directory: user ids → emails, user group ids → member ids. */
  slack: z.optional(SlackWorld),
  rollback: z.optional(RollbackWorldSection),
  governance: z.optional(GovernanceWorldSection),
});

export type WorldFileResult = { readonly ok: true; readonly world: World } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * The world as written in the file (not the parsed copy: the targets apply their own defaults), or
 * every problem, each starting with the file's name.
 *
 * @example readWorldFile('w.json') // { ok: false, problems: ['w.json: pipelinez: unknown key'] }
 */
export function readWorldFile(file: string): WorldFileResult {
  const read = readTextFile(file);
  if (!read.ok) return { ok: false, problems: [`${file}: ${read.problem}`] };
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch (error) {
    return { ok: false, problems: [`${file}: not JSON: ${(error as Error).message}`] };
  }
  const result = WorldFileSchema.safeParse(value, { reportInput: true });
  if (!result.success) return { ok: false, problems: result.error.issues.flatMap(formatIssue).map((p) => `${file}: ${p}`) };
  return { ok: true, world: value as World };
}
