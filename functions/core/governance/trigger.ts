/**
 * What woke the governance function: a pipeline or project created or changed (CloudTrail), the
 * daily audit or the freeze tick (schedule inputs), or a package version published (CodeArtifact).
 */
import * as z from '../zod';

export type GovernanceTrigger =
  | { readonly kind: 'change'; readonly pipelines: readonly string[]; readonly projects: readonly string[] }
  | { readonly kind: 'audit' }
  | { readonly kind: 'tick' }
  | { readonly kind: 'package'; readonly event: PackagePublished }
  | { readonly kind: 'ignored'; readonly why: string };

const CloudTrail = z.object({
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: z.object({
    eventSource: z.string(),
    eventName: z.string(),
    errorCode: z.optional(z.string()),
    requestParameters: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  }),
});

const PackageEvent = z.object({
  id: z.string(),
  'detail-type': z.literal('CodeArtifact Package Version State Change'),
  detail: z.object({
    domainName: z.string(),
    repositoryName: z.string(),
    packageFormat: z.string(),
    packageNamespace: z.optional(z.nullable(z.string())),
    packageName: z.string(),
    packageVersion: z.string(),
    packageVersionState: z.string(),
  }),
});
export type PackagePublished = z.infer<typeof PackageEvent>;

const Schedule = z.object({ warden: z.enum(['audit', 'tick']) });

/**
 * @example governanceTrigger({ warden: 'audit' }) // { kind: 'audit' }
 */
export function governanceTrigger(raw: unknown): GovernanceTrigger {
  const schedule = Schedule.safeParse(raw);
  if (schedule.success) return { kind: schedule.data.warden };
  const trail = CloudTrail.safeParse(raw);
  if (trail.success) return change(trail.data.detail);
  const pkg = PackageEvent.safeParse(raw);
  if (pkg.success) return pkg.data.detail.packageVersionState === 'Published' ? { kind: 'package', event: pkg.data } : { kind: 'ignored', why: `package version ${pkg.data.detail.packageVersionState}` };
  return { kind: 'ignored', why: 'not a governance event' };
}

function change(detail: z.infer<typeof CloudTrail>['detail']): GovernanceTrigger {
  // A call that failed changed nothing.
  if (detail.errorCode) return { kind: 'ignored', why: `${detail.eventName} failed (${detail.errorCode})` };
  const params = detail.requestParameters ?? {};
  if (detail.eventSource === 'codepipeline.amazonaws.com' && (detail.eventName === 'CreatePipeline' || detail.eventName === 'UpdatePipeline')) {
    const name = (params['pipeline'] as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' ? { kind: 'change', pipelines: [name], projects: [] } : { kind: 'ignored', why: `${detail.eventName} without a pipeline name` };
  }
  if (detail.eventSource === 'codebuild.amazonaws.com' && (detail.eventName === 'CreateProject' || detail.eventName === 'UpdateProject')) {
    const name = params['name'];
    return typeof name === 'string' ? { kind: 'change', pipelines: [], projects: [name] } : { kind: 'ignored', why: `${detail.eventName} without a project name` };
  }
  return { kind: 'ignored', why: `${detail.eventSource} ${detail.eventName} is not a change we check` };
}
