/** The physical names a stage goes into, read from serverless.yml and infra/*.yml, and their AWS limits. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { physicalNames, stageNameProblems } from '../../cli/stage-names';

const ROOT = path.resolve(__dirname, '../..');

describe('stage names', () => {
  it('reads the functions, state machines, queues and named resources of the stack', () => {
    const { service, names } = physicalNames(ROOT);
    expect(service).toBe('pipeline-warden');
    const of = (what: string) => names.filter((n) => n.what === what).map((n) => [n.template, n.max]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless variables as written in serverless.yml, not JavaScript
    expect(of('Lambda function name')).toContainEqual(['${self:service}-${sls:stage}-approvalEvents', 64]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless variables as written in serverless.yml, not JavaScript
    expect(of('state machine name')).toContainEqual(['${self:service}-${sls:stage}-approval', 80]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless variables as written in serverless.yml, not JavaScript
    expect(of('SQS queue name')).toContainEqual(['${self:service}-${sls:stage}-events-dlq', 80]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless variables as written in serverless.yml, not JavaScript
    expect(of('DynamoDB table name')).toEqual([['${self:service}-${sls:stage}-cards', 255]]);
  });

  it('accepts a stage that fits, and names every name a longer one breaks, with the longest that fits', () => {
    expect(stageNameProblems(ROOT, 'dev').problems).toEqual([]);
    const fits = 'x'.repeat(stageNameProblems(ROOT, 'dev').longest);
    expect(stageNameProblems(ROOT, fits).problems).toEqual([]);
    const { problems } = stageNameProblems(ROOT, `${fits}x`);
    expect(problems).toContain(`stage "${fits}x": Lambda function name pipeline-warden-${fits}x-approvalEvents is 65 characters; AWS allows 64`);
    expect(stageNameProblems(ROOT, 'y'.repeat(60)).problems.some((p) => p.includes('state machine name') && p.includes('AWS allows 80'))).toBe(true);
  });
});
