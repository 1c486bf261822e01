/**
 * A package version published to CodeArtifact starts the pipelines the config wires to it (AWS's
 * documented pattern: CodeArtifact events starting CodePipeline). A client request token per change
 * and pipeline (requestToken): a duplicate event starts no second execution.
 */
import { createHash } from 'node:crypto';
import type { PackageTrigger } from '../../core/config/governance';
import { picomatchGlobs } from '../../core/glob-picomatch';
import type { PackagePublished } from '../../core/governance/trigger';
import type { GovernanceDeps } from './deps';

const glob = picomatchGlobs();
const fits = (patterns: readonly string[] | undefined, value: string | undefined | null) => patterns === undefined || (value != null && patterns.some((p) => glob(p)(value)));

/** Whether a trigger applies to a published version. Namespaces match with or without npm's `@`. */
export function triggerMatches(trigger: PackageTrigger, d: PackagePublished['detail']): boolean {
  const namespace = d.packageNamespace?.replace(/^@/, '');
  return (
    trigger.domain === d.domainName &&
    fits(trigger.repositories, d.repositoryName) &&
    fits(trigger.namespaces?.map((n) => n.replace(/^@/, '')), namespace) &&
    fits(trigger.packages, d.packageName) &&
    (trigger.formats === undefined || (trigger.formats as readonly string[]).includes(d.packageFormat))
  );
}

/**
 * StartPipelineExecution's clientRequestToken ([A-Za-z0-9-]{1,128}): one change of one version
 * starts each pipeline once, however often it is delivered. CodeArtifact's eventDeduplicationId is
 * the same on every delivery of a change (the EventBridge id, a UUID, when it is missing). Hashed
 * with the pipeline name: each pipeline gets its own token, whatever scope CodePipeline gives one.
 */
export function requestToken(event: PackagePublished, pipeline: string): string {
  return createHash('sha256').update(`${event.detail.eventDeduplicationId ?? event.id}\n${pipeline}`).digest('hex');
}

export async function startTriggeredPipelines(event: PackagePublished, deps: GovernanceDeps): Promise<{ readonly summary: string }> {
  const d = event.detail;
  const pipelines = [...new Set((deps.config.codeartifact?.triggers ?? []).filter((t) => triggerMatches(t, d)).flatMap((t) => t.pipelines))];
  const name = `${d.packageNamespace ? `${d.packageNamespace}/` : ''}${d.packageName} ${d.packageVersion}`;
  if (!pipelines.length) return { summary: `${name}: no pipeline is wired to it` };
  const started = await Promise.all(pipelines.map(async (p) => `${p} (execution ${(await deps.pipelines.start(p, requestToken(event, p))).executionId})`));
  const channel = deps.config.governance?.report?.slack?.channel;
  const text = `📦 ${name} was published to ${d.domainName}/${d.repositoryName}: started ${started.join(', ')}`;
  if (channel) await deps.slack.postMessage({ channel, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  deps.logger.info('package triggered pipelines', { package: name, pipelines });
  return { summary: text };
}
