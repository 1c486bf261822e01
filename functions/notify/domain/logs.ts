import type { FactRecord, RunCard } from '../../kernel/card/types';
import { buildKey } from '../../kernel/events/normalize';

/**
 * Where a failed build's log is: from its build event when we have it, otherwise CodeBuild's
 * default (`/aws/codebuild/<project>`, stream = the build's uuid).
 *
 * @example logRefFor(card, actionFailure) // { group: '/aws/codebuild/app-build', stream: '8745a7a9-…' }
 */
export function logRefFor(card: RunCard, failure: FactRecord): { group: string; stream: string } | undefined {
  const f = failure.fact;
  const buildId = f.type === 'build' ? f.buildId : f.type === 'action' && f.provider === 'CodeBuild' && f.externalId ? buildKey(f.externalId) : undefined;
  if (!buildId) return undefined;
  const build = card.facts[`build:${buildId}`]?.fact;
  if (build?.type === 'build' && build.logGroup && build.logStream) return { group: build.logGroup, stream: build.logStream };
  const [project, uuid] = buildId.split(':');
  return project && uuid ? { group: `/aws/codebuild/${project}`, stream: uuid } : undefined;
}
