/**
 * What woke the governance function, from real event shapes: CloudTrail API calls (a real GitPush
 * from test/fixtures/aws-events and the project's UpdatePipeline sample), the schedule inputs, CodeArtifact
 * package events (the AWS guide's Published example), and what it must ignore.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { governanceTrigger } from '../../../functions/governance/domain/trigger';
import { matchesPattern } from '../../../tools/event-pattern/matcher';

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { detail: Record<string, unknown> };
const UPDATE = json('events/samples/04-governance-pipeline-changed/01-update-pipeline.json');
const PUBLISHED = json('test/fixtures/aws-docs/codeartifact-guide-package-published.json');
const GIT_PUSH = json('test/fixtures/aws-events/cloudtrail/devops-dashboard-codecommit-gitpush.json');
const CHANGE_PATTERN = json('events/governance-cloudtrail.pattern.json');
const PACKAGE_PATTERN = json('events/package-trigger.pattern.json');

const trail = (source: string, eventSource: string, eventName: string, requestParameters: unknown, extra: Record<string, unknown> = {}) => ({
  ...UPDATE,
  source,
  detail: { ...UPDATE.detail, eventSource, eventName, requestParameters, ...extra },
});

describe('governanceTrigger', () => {
  it('an UpdatePipeline event is a change to the pipeline it names (the request carries the definition; GetPipeline is read anyway)', () => {
    expect(matchesPattern(CHANGE_PATTERN, UPDATE)).toBe(true);
    expect(governanceTrigger(UPDATE)).toEqual({ kind: 'change', pipelines: ['payments-api'], projects: [], eventId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e' });
  });

  it.each([
    [
      'CreatePipeline',
      trail('aws.codepipeline', 'codepipeline.amazonaws.com', 'CreatePipeline', { pipeline: { name: 'new-one', stages: [] }, tags: [] }),
      { kind: 'change', pipelines: ['new-one'], projects: [] },
    ],
    [
      'CreateProject',
      trail('aws.codebuild', 'codebuild.amazonaws.com', 'CreateProject', { name: 'web-build', source: { type: 'CODEPIPELINE' } }),
      { kind: 'change', pipelines: [], projects: ['web-build'] },
    ],
    [
      'UpdateProject',
      trail('aws.codebuild', 'codebuild.amazonaws.com', 'UpdateProject', { name: 'web-build', environment: { privilegedMode: true } }),
      { kind: 'change', pipelines: [], projects: ['web-build'] },
    ],
  ])('%s is a change to what it names, and the deployed rule sends it', (_name, event, expected) => {
    expect(matchesPattern(CHANGE_PATTERN, event)).toBe(true);
    expect(governanceTrigger(event)).toEqual({ ...expected, eventId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e' });
  });

  it.each([
    [
      'a call that failed (it changed nothing)',
      trail('aws.codepipeline', 'codepipeline.amazonaws.com', 'UpdatePipeline', { pipeline: { name: 'x' } }, { errorCode: 'AccessDenied' }),
      'UpdatePipeline failed (AccessDenied)',
    ],
    [
      'a call whose parameters CloudTrail left out',
      trail('aws.codepipeline', 'codepipeline.amazonaws.com', 'UpdatePipeline', null),
      'UpdatePipeline without a pipeline name',
    ],
    ['a project call without a name', trail('aws.codebuild', 'codebuild.amazonaws.com', 'UpdateProject', {}), 'UpdateProject without a project name'],
    ['a CloudTrail call we do not check (a real GitPush)', GIT_PUSH, 'codecommit.amazonaws.com GitPush is not a change we check'],
    [
      'DeletePipeline',
      trail('aws.codepipeline', 'codepipeline.amazonaws.com', 'DeletePipeline', { name: 'x' }),
      'codepipeline.amazonaws.com DeletePipeline is not a change we check',
    ],
    ['something else entirely', { hello: 'world' }, 'not a governance event'],
  ])('ignores %s', (_name, event, why) => {
    expect(governanceTrigger(event)).toEqual({ kind: 'ignored', why });
  });

  it('the deployed change rule does not send a GitPush or a DeletePipeline', () => {
    expect(matchesPattern(CHANGE_PATTERN, GIT_PUSH)).toBe(false);
    expect(matchesPattern(CHANGE_PATTERN, trail('aws.codepipeline', 'codepipeline.amazonaws.com', 'DeletePipeline', { name: 'x' }))).toBe(false);
  });

  it.each([
    [{ warden: 'audit' }, { kind: 'audit' }],
    [{ warden: 'tick' }, { kind: 'tick' }],
    [{ warden: 'reboot' }, { kind: 'ignored', why: 'not a governance event' }],
  ])('schedule input %j', (input, expected) => {
    expect(governanceTrigger(input)).toEqual(expected);
  });

  it("a published package version (the AWS guide's example) is a package trigger; the rule sends only Published", () => {
    expect(matchesPattern(PACKAGE_PATTERN, PUBLISHED)).toBe(true);
    const trigger = governanceTrigger(PUBLISHED);
    expect(trigger.kind).toBe('package');
    if (trigger.kind === 'package')
      expect(trigger.event.detail).toMatchObject({ domainName: PUBLISHED.detail['domainName'], packageName: PUBLISHED.detail['packageName'] });
    const deleted = { ...PUBLISHED, detail: { ...PUBLISHED.detail, packageVersionState: 'Deleted' } };
    expect(matchesPattern(PACKAGE_PATTERN, deleted)).toBe(false);
    expect(governanceTrigger(deleted)).toEqual({ kind: 'ignored', why: 'package version Deleted' });
  });
});
