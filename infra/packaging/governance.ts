/** IAM resources of governance: the change calendars it reads, and what break-glass may re-open. */
import type { Config } from '../../functions/kernel/config/schema';
import { codepipelineArn, type IamResource, iamGlob, type Sub, sub, uniqueSorted } from './iam';

/**
 * ssm:GetCalendarState resources: the config's governance.changeCalendars (a name is a document of
 * this account and region, an ARN a calendar shared from elsewhere). None: a name nobody can have
 * (IAM refuses an empty Resource list).
 *
 * @example changeCalendarResourcesOf(config) // [{ 'Fn::Sub': 'arn:…:ssm:…:document/release-calendar' }]
 */
export function changeCalendarResourcesOf(config: Pick<Config, 'governance'>): IamResource[] {
  const calendars = config.governance?.changeCalendars ?? [];
  const names = calendars.length ? uniqueSorted(calendars) : ['pipeline-warden-no-change-calendar'];
  return names.map((c) => (c.startsWith('arn:') ? c : sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/${c}`)));
}

export interface BreakGlassResources {
  readonly pipelines: readonly IamResource[];
  /** `<pipeline>/<stage>`, the resource type of Disable/EnableStageTransition. */
  readonly stages: readonly IamResource[];
}

/** The policy is not created then (its Condition is false); IAM still wants a well-formed resource. */
export const NO_BREAK_GLASS: BreakGlassResources = {
  pipelines: ['arn:aws:codepipeline:::pipeline-warden-no-break-glass'],
  stages: ['arn:aws:codepipeline:::pipeline-warden-no-break-glass/none'],
};

/**
 * Break-glass from Slack (the `bypass:` route) re-opens a production stage a freeze closed: the
 * pipelines of the freezes that have break-glass approvers, and their production stages.
 * undefined when no freeze has break-glass approvers: then the Slack endpoint gets none of these
 * permissions.
 *
 * IAM ARNs only know `*` and `?`, match case-sensitively and cannot exclude. So a production-stage
 * glob widens: `!` exclusions are dropped, other glob syntax becomes `?` (one character class) or
 * `*`; and matching, which is case-insensitive in the config, is granted for the spellings stage
 * names use: lower, Capitalized and UPPER (`*prod*`, `*Prod*`, `*PROD*`). A stage spelled otherwise
 * (`pRoD`) is refused by IAM: break-glass fails closed there.
 *
 * @example breakGlassResourcesOf(config)?.stages // [{ 'Fn::Sub': 'arn:…:codepipeline:…:web/*prod*' }, …]
 */
export function breakGlassResourcesOf(config: Pick<Config, 'governance' | 'productionStages'>): { pipelines: Sub[]; stages: Sub[] } | undefined {
  const freezes = (config.governance?.freezes ?? []).filter((f) => (f.breakGlass?.approvers.length ?? 0) > 0);
  if (freezes.length === 0) return undefined;
  const stages = [
    ...new Set(
      config.productionStages
        .filter((g) => !g.startsWith('!'))
        .map(stageGlob)
        .map(iamGlob)
        .flatMap(spellings),
    ),
  ];
  const pipelines = uniqueSorted(freezes.flatMap((f) => (f.pipelines ?? ['*']).map(iamGlob)));
  return { pipelines: pipelines.map(codepipelineArn), stages: pipelines.flatMap((p) => stages.map((stage) => codepipelineArn(`${p}/${stage}`))) };
}

/** A character class becomes `?`, a brace list `*`: IAM knows no other syntax. */
const stageGlob = (glob: string): string => glob.replace(/\[[^\]]*\]/g, '?').replace(/\{[^}]*\}/g, '*');

/** lower, Capitalized (first letter) and UPPER. */
const spellings = (glob: string): string[] => [glob.toLowerCase(), glob.toLowerCase().replace(/[a-z]/, (c) => c.toUpperCase()), glob.toUpperCase()];
