/**
 * A rollback world for tests: the rollback state machine executed locally on a shared virtual
 * clock with the real rollback code; CodeDeploy and CodePipeline simulated from a world section
 * (functions/rollback/world/world.ts); recording Slack and email; in-memory cards and episodes.
 */
import { createLocalMachines, replayStateMachineArn } from '../../cli/local-machines';
import type { RunCard } from '../../functions/kernel/card/types';
import { parseConfig } from '../../functions/kernel/config/parse';
import type { Config } from '../../functions/kernel/config/schema';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { createRecorder } from '../../functions/platform/recording';
import type { RollbackDeps } from '../../functions/rollback/app/deps';
import { onAlarmEvent } from '../../functions/rollback/app/start';
import { runRollbackStep } from '../../functions/rollback/app/steps';
import { createMemoryEpisodeStore } from '../../functions/rollback/aws/episodes';
import { createWorldRollbackPorts, RollbackWorldSection } from '../../functions/rollback/world/world';
import { createScheduler } from '../../tools/step-functions/clock';

export const START = '2026-11-23T10:00:00Z';
export const minutes = (m: number) => new Date(Date.parse(START) + m * 60_000).toISOString();
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export const DEPLOY_GUARD = 'codedeploy: { application: web-frontend, deploymentGroup: web-frontend-prod }';
export const STAGE_GUARD = 'pipeline: { name: web-frontend, stage: Deploy }';

/** A config with one route for web-frontend and one guard; `guard` is YAML of the guard's targets and settings. */
export function rollbackConfig(guard = DEPLOY_GUARD, section = ''): Config {
  const parsed = parseConfig(`version: 1
routes:
  - match: { pipelines: ["web-*"] }
    slack: { channels: [C0WEBTEAM1] }
    email: { topics: [default] }
  - match: { applications: ["web-*"] }
    slack: { channels: [C0WEBTEAM1] }
    email: { topics: [default] }
rollback:
  bakeWindow: 1h
  cooldown: 1h
${section}
  guards:
    - name: web-frontend
      alarms: ["web-frontend-*"]
${guard.replace(/^/gm, '      ')}
`);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

/** A CloudWatch Alarm State Change, shaped like test/fixtures/aws-events/cloudwatch/cw-guide-single-metric-alarm-ok-to-alarm.json. */
export function alarmEvent(name: string, time: string, value = 'ALARM'): Record<string, unknown> {
  return {
    version: '0',
    id: `evt-${name}-${value}-${time}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`],
    detail: {
      alarmName: name,
      configuration: {
        description: 'Target 5xx responses of the web frontend',
        metrics: [
          {
            id: 'm1',
            metricStat: {
              metric: { dimensions: { LoadBalancer: 'app/web-frontend/50dc6c495c0c9188' }, name: 'HTTPCode_Target_5XX_Count', namespace: 'AWS/ApplicationELB' },
              period: 60,
              stat: 'Sum',
            },
            returnData: true,
          },
        ],
      },
      previousState: {
        reason: 'Threshold Crossed: no datapoints were greater than the threshold',
        timestamp: START.replace('Z', '.000+0000'),
        value: value === 'ALARM' ? 'OK' : 'ALARM',
      },
      state: {
        reason: `Threshold Crossed: 1 out of the last 1 datapoints [57.0] was greater than the threshold (20.0) (minimum 1 datapoint for OK -> ${value} transition).`,
        timestamp: time.replace(/(\.\d{3})?Z$/, '.000+0000'),
        value,
      },
    },
  };
}

export const s3 = (version: string) => ({ revisionType: 'S3', s3Location: { bucket: 'web-artifacts', key: 'web-frontend.zip', bundleType: 'zip', version } });

/** A run card with a Slack message, as notify would have stored it. */
export function runCard(runKey: string, channel = 'C0WEBTEAM1', ts = '1700000000.000100'): RunCard {
  return {
    run: { kind: runKey.startsWith('pipeline/') ? 'pipeline' : 'deployment', key: runKey },
    subject: { account: ACCOUNT, region: REGION },
    facts: {},
    failures: {},
    slack: { [channel]: { ts } },
    threads: [],
    emails: [],
  };
}

export function rollbackWorld(config: Config, world: unknown) {
  const clock = createScheduler(START);
  const recorder = createRecorder({}, undefined, { event: () => undefined, now: () => clock.now() });
  const machines = createLocalMachines({ clock, recorder, currentEvent: () => 'test' });
  const section = RollbackWorldSection.parse(world);
  const ports = createWorldRollbackPorts(section, { now: () => clock.now(), calls: recorder.calls });
  const cards = createMemoryCardStore();
  const episodes = createMemoryEpisodeStore();
  const deps: RollbackDeps = {
    config,
    glob: picomatchGlobs(),
    deploy: ports.deploy,
    pipeline: ports.pipeline,
    episodes,
    cards,
    slack: recorder.slack,
    email: recorder.email,
    defaultTopicArn: 'arn:aws:sns:eu-west-1:123456789012:warden',
    now: () => clock.now(),
    logger: { info: () => undefined, warn: () => undefined },
  };
  const stateMachineArn = replayStateMachineArn('rollback');
  const step = async ({ Payload }: { Payload: unknown }) => ({ Payload: await runRollbackStep(Payload, deps) });
  machines.define(stateMachineArn, { definition: 'statemachines/rollback.asl.yaml', handlers: { Decide: step, Act: step, Check: step, Report: step } });
  const starter = { config, glob: deps.glob, executions: machines.port, stateMachineArn };
  const send = async (event: Record<string, unknown>) => {
    await clock.advanceTo(new Date(String(event['time'])));
    const started = await onAlarmEvent(event, starter);
    await clock.idle();
    return started;
  };
  const calls = (name: string) => recorder.calls.filter((c) => c.call === name);
  const texts = () => calls('slack.chat.postMessage').map((c) => String(c.input['text']));
  return { clock, deps, machines, recorder, send, calls, texts, cards, episodes };
}
