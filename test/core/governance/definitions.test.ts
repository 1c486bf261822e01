/** Reading what AWS prints: every fixture is recognized; anything else is refused with its path. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDefinitions } from '../../../functions/governance/domain/definitions';
import { FIXTURES } from './support';

const json = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));

describe('readDefinitions', () => {
  it.each(['pipelines', 'projects', 'packages'].flatMap((dir) => readdirSync(path.join(FIXTURES, dir)).map((f) => `${dir}/${f}`)))('reads %s', (file) => {
    const result = readDefinitions(json(file));
    expect(result.ok).toBe(true);
  });

  it('keeps fields it does not model, for custom rules', () => {
    const result = readDefinitions(json('pipelines/payments-api.json'));
    expect(result.ok && result.subjects.pipelines[0]?.['triggers']).toEqual([expect.objectContaining({ providerType: 'CodeStarSourceConnection' })]);
    expect(result.ok && result.subjects.pipelines[0]?.stages[3]?.actions[1]?.['region']).toBe('us-east-1');
  });

  it('reads every project of batch-get-projects and an array of documents', () => {
    const result = readDefinitions([json('pipelines/MyFirstPipeline.json'), json('projects/batch-get-projects.json'), json('packages/lodash.json')]);
    expect(
      result.ok && {
        pipelines: result.subjects.pipelines.map((p) => p.name),
        projects: result.subjects.projects.map((p) => p.name),
        packages: result.subjects.packages.map((p) => p.package.name),
      },
    ).toEqual({
      pipelines: ['MyFirstPipeline'],
      projects: ['codebuild-demo-project2', 'my-other-demo-project', 'payments-api-build', 'legacy-deploy-scripts'],
      packages: ['lodash'],
    });
  });

  it.each<[string, unknown, string[]]>([
    [
      'an EventBridge event',
      { 'detail-type': 'CodePipeline Pipeline Execution State Change', detail: {} },
      [expect.stringMatching(/^not a definition: expected the output of aws codepipeline get-pipeline/)],
    ],
    ['a bare string', 'payments-api', [expect.stringMatching(/^not a definition/)]],
    ['a pipeline without stages', { pipeline: { name: 'x' } }, ['pipeline.stages: required']],
    [
      'an action without its type',
      { pipeline: { name: 'x', stages: [{ name: 'Source', actions: [{ name: 'S' }] }] } },
      ['pipeline.stages[0].actions[0].actionTypeId: required'],
    ],
    [
      'a wrong type, in an array',
      [{ projects: [{ name: 'p', environment: { privilegedMode: 'yes' } }] }],
      [expect.stringMatching(/^\[0\]\.projects\[0\]\.environment\.privilegedMode: Invalid input: expected boolean/)],
    ],
    ['describe-package output without the domain and repository', { package: { format: 'npm', name: 'lodash' } }, ['domain: required', 'repository: required']],
  ])('refuses %s', (_name, value, expected) => {
    expect(readDefinitions(value)).toEqual({ ok: false, problems: expected });
  });
});
