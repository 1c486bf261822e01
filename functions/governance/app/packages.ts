/**
 * A package version published to CodeArtifact starts the pipelines the config wires to it (AWS's
 * documented pattern: CodeArtifact events starting CodePipeline). Each start is recorded before it
 * is made, keyed by the package version and the pipeline: a duplicate event starts nothing and says
 * nothing. The client request token per change and pipeline (requestToken) stays, as a second guard.
 */
import { createHash } from 'node:crypto';
import type { PackageTrigger } from '../../kernel/config/governance';
import { picomatchGlobs } from '../../kernel/glob-picomatch';
import { clip, esc, MAX_FALLBACK_TEXT } from '../../kernel/render/format';
import type { PackagePublished } from '../domain/trigger';
import type { GovernanceDeps } from './deps';
import { once } from './once';

const glob = picomatchGlobs();
const fits = (patterns: readonly string[] | undefined, value: string | undefined | null) =>
  patterns === undefined || (value != null && patterns.some((p) => glob(p)(value)));

/** Whether a trigger applies to a published version. Namespaces match with or without npm's `@`. */
export function triggerMatches(trigger: PackageTrigger, d: PackagePublished['detail']): boolean {
  const namespace = d.packageNamespace?.replace(/^@/, '');
  return (
    trigger.domain === d.domainName &&
    fits(trigger.repositories, d.repositoryName) &&
    fits(
      trigger.namespaces?.map((n) => n.replace(/^@/, '')),
      namespace,
    ) &&
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
  return createHash('sha256')
    .update(`${event.detail.eventDeduplicationId ?? event.id}\n${pipeline}`)
    .digest('hex');
}

/**
 * What a start is recorded under: one version of one package in one repository, and the pipeline.
 * Hashed: names and versions may be long, a key is not.
 */
export function startKey(d: PackagePublished['detail'], pipeline: string): string {
  const version = [d.domainName, d.repositoryName, d.packageFormat, d.packageNamespace ?? '', d.packageName, d.packageVersion, pipeline].join('\n');
  return `package#${createHash('sha256').update(version).digest('hex')}`;
}

export async function startTriggeredPipelines(event: PackagePublished, deps: GovernanceDeps): Promise<{ readonly summary: string }> {
  const d = event.detail;
  const pipelines = [...new Set((deps.config.codeartifact?.triggers ?? []).filter((t) => triggerMatches(t, d)).flatMap((t) => t.pipelines))];
  const name = `${d.packageNamespace ? `${d.packageNamespace}/` : ''}${d.packageName} ${d.packageVersion}`;
  if (!pipelines.length) return { summary: `${name}: no pipeline is wired to it` };
  const results = await Promise.allSettled(
    pipelines.map((p) =>
      once(startKey(d, p), async () => ({ pipeline: p, executionId: (await deps.pipelines.start(p, requestToken(event, p))).executionId }), deps),
    ),
  );
  const started = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
  if (started.length) await announce(event, started, deps);
  // A start that failed was forgotten (once): rethrown, the event is retried and starts only that one.
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const list = started.map((s) => `${s.pipeline} (execution ${s.executionId})`).join(', ');
  if (!started.length) return { summary: `${name}: already started ${pipelines.join(', ')} (a duplicate delivery): nothing done` };
  deps.logger.info('package triggered pipelines', { package: name, pipelines: started.map((s) => s.pipeline) });
  return { summary: `📦 ${name} was published to ${d.domainName}/${d.repositoryName}: started ${list}` };
}

/** The report channel's message: every name in it is the event's, so escaped. */
async function announce(event: PackagePublished, started: readonly { pipeline: string; executionId: string }[], deps: GovernanceDeps): Promise<void> {
  const channel = deps.config.governance?.report?.slack?.channel;
  if (!channel) return;
  const d = event.detail;
  const name = esc(`${d.packageNamespace ? `${d.packageNamespace}/` : ''}${d.packageName} ${d.packageVersion}`);
  const list = started.map((s) => `${esc(s.pipeline)} (execution ${esc(s.executionId)})`).join(', ');
  const text = `📦 ${name} was published to ${esc(`${d.domainName}/${d.repositoryName}`)}: started ${list}`;
  await deps.slack.postMessage({
    channel,
    text: clip(text, MAX_FALLBACK_TEXT),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } }],
  });
}
