/**
 * What CloudFormation and the services check only at deploy or run time, asserted on the packaged
 * templates (the sample config, config/examples/every-feature.yml and config/organization.example.yml): no dependency cycle, every
 * failure destination writable by whoever writes to it, the key usable by every sender to its
 * topic, and the data that must outlive the stack kept. cfn-lint (scripts/cfn-lint.sh) and the moto
 * `CreateStack` (npm run test:integration) check the same templates from the outside.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycles, references } from '../support/cycles';
import { asArray, iamStatements, type Json, ofType, type Packaged, serverlessPackage, type Template } from '../support/package';

const SEND_ACTION: Record<string, string> = { sqs: 'sqs:SendMessage', sns: 'sns:Publish', lambda: 'lambda:InvokeFunction', events: 'events:PutEvents' };

/** Whether a statement allows `action` (exact or `service:*`) on `resource` (equal, or `*`). */
function allows(statement: Json, action: string, resource: unknown): boolean {
  if (statement.Effect !== 'Allow') return false;
  const service = action.split(':')[0];
  const actionOk = asArray<string>(statement.Action).some((a) => a === action || a === `${service}:*` || a === '*');
  const resourceOk = asArray(statement.Resource).some((r) => r === '*' || JSON.stringify(r) === JSON.stringify(resource));
  return actionOk && resourceOk;
}

function roleOf(template: Template, functionRef: unknown): string {
  const [fn] = [...references(functionRef)];
  const role = template.Resources[fn!]!.Properties.Role;
  return [...references(role)][0]!;
}

/** The service of a destination: the logical id's resource type decides (SQS queue, SNS topic…). */
function serviceOf(template: Template, destination: unknown): string {
  const [id] = [...references(destination)];
  const type = template.Resources[id!]!.Type;
  return { 'AWS::SQS::Queue': 'sqs', 'AWS::SNS::Topic': 'sns', 'AWS::Lambda::Function': 'lambda', 'AWS::Events::EventBus': 'events' }[type] ?? type;
}

const CONFIGS = {
  'the sample config': [],
  'every feature on': ['--param=config=config/examples/every-feature.yml'],
  'an organization': ['--param=config=config/organization.example.yml'],
} as const;

describe.each(Object.entries(CONFIGS))('the stack packaged with %s', (_name, args) => {
  let packaged: Packaged;
  let t: Template;

  beforeAll(async () => {
    packaged = await serverlessPackage([...args]);
    t = packaged.template;
  }, 300_000);
  afterAll(() => {
    if (packaged) rmSync(packaged.dir, { recursive: true, force: true });
  });

  it('has no dependency cycle (CloudFormation refuses the whole stack for one)', () => {
    expect(cycles(t)).toEqual([]);
  });

  it("lets each function's own role send to its asynchronous on-failure destination", () => {
    const configs = ofType(t, 'AWS::Lambda::EventInvokeConfig');
    expect(configs.length).toBeGreaterThan(0);
    for (const [id, config] of configs) {
      const destination = config.DestinationConfig?.OnFailure?.Destination;
      if (!destination) continue;
      const role = roleOf(t, config.FunctionName);
      const action = SEND_ACTION[serviceOf(t, destination)]!;
      const granted = iamStatements(t)
        .filter(({ where }) => where.startsWith(`${role}/`))
        .some(({ statement }) => allows(statement, action, destination));
      expect(granted, `${id}: ${role} may not ${action} to ${JSON.stringify(destination)}`).toBe(true);
    }
  });

  it('lets EventBridge deliver each rule to its target and its dead-letter queue', () => {
    const queuePolicies = ofType(t, 'AWS::SQS::QueuePolicy');
    const permissions = ofType(t, 'AWS::Lambda::Permission');
    for (const [ruleId, rule] of ofType(t, 'AWS::Events::Rule')) {
      const ruleArn = { 'Fn::GetAtt': [ruleId, 'Arn'] };
      for (const target of rule.Targets) {
        for (const arn of [target.Arn, target.DeadLetterConfig?.Arn].filter(Boolean)) {
          const [to] = [...references(arn)];
          const type = t.Resources[to!]!.Type;
          if (type === 'AWS::SQS::Queue') {
            const ok = queuePolicies.some(([, p]) =>
              asArray<Json>(p.PolicyDocument.Statement).some(
                (s) =>
                  s.Principal?.Service === 'events.amazonaws.com' &&
                  allows(s, 'sqs:SendMessage', arn) &&
                  asArray(s.Condition?.ArnEquals?.['aws:SourceArn']).some((a) => JSON.stringify(a) === JSON.stringify(ruleArn)),
              ),
            );
            expect(ok, `${ruleId} → ${to}: no queue policy lets this rule send`).toBe(true);
          } else if (type === 'AWS::Lambda::Function') {
            const ok = permissions.some(
              ([, p]) => references(p.FunctionName).has(to!) && p.Principal === 'events.amazonaws.com' && references(p.SourceArn).has(ruleId),
            );
            expect(ok, `${ruleId} → ${to}: no lambda permission for this rule`).toBe(true);
          } else if (type === 'AWS::StepFunctions::StateMachine') {
            expect(target.RoleArn, `${ruleId} → ${to}: a state machine target needs a role`).toBeDefined();
          } else {
            throw new Error(`${ruleId}: a target of type ${type} this test does not know`);
          }
        }
      }
    }
  });

  it('lets every publisher to an encrypted topic use its key: roles through IAM, CloudWatch alarms through the key policy, for this account only', () => {
    for (const [topicId, topic] of ofType(t, 'AWS::SNS::Topic')) {
      if (!topic.KmsMasterKeyId) continue;
      const [keyId] = [...references(topic.KmsMasterKeyId)];
      const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };
      const topicRef = { Ref: topicId };
      for (const [roleId] of ofType(t, 'AWS::IAM::Role')) {
        const mine = iamStatements(t)
          .filter(({ where }) => where.startsWith(`${roleId}/`))
          .map(({ statement }) => statement);
        const publishes = mine.some(
          (s) => asArray(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(topicRef)) && asArray(s.Action).includes('sns:Publish'),
        );
        if (!publishes) continue;
        for (const action of ['kms:GenerateDataKey*', 'kms:Decrypt'])
          expect(
            mine.some((s) => allows(s, action, keyArn)),
            `${roleId}: ${action} on ${keyId}`,
          ).toBe(true);
      }
      const keyPolicy = asArray<Json>(t.Resources[keyId!]!.Properties.KeyPolicy.Statement);
      const alarmsPublish = ofType(t, 'AWS::CloudWatch::Alarm').some(([, a]) =>
        asArray(a.AlarmActions).some((x) => JSON.stringify(x) === JSON.stringify(topicRef)),
      );
      if (alarmsPublish) {
        const grant = keyPolicy.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
        expect(grant?.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
        // Without it, any account's alarms could use this key through CloudWatch (confused deputy).
        expect(grant?.Condition?.StringEquals?.['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
      }
    }
  });

  it('lets each role touch only its own key prefixes of the shared table', () => {
    const writes = new Map<string, Set<string>>();
    for (const { where, statement } of iamStatements(t)) {
      const actions = asArray<string>(statement.Action).filter((a) => a.startsWith('dynamodb:'));
      if (actions.length === 0) continue;
      expect(statement.Resource, where).toEqual({ 'Fn::GetAtt': ['CardsTable', 'Arn'] });
      const prefixes = asArray<string>(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']);
      expect(prefixes.length, `${where} ${statement.Sid}: no dynamodb:LeadingKeys condition`).toBeGreaterThan(0);
      for (const prefix of prefixes) expect(prefix, where).toMatch(/^[A-Z-]+#\*$/);
      if (!actions.some((a) => /:(Put|Update|Delete|BatchWrite)/.test(a))) continue;
      const role = where.split('/')[0]!;
      writes.set(role, new Set([...(writes.get(role) ?? []), ...prefixes]));
    }
    expect(Object.fromEntries([...writes].map(([role, prefixes]) => [role, [...prefixes].sort()]))).toEqual({
      NotifyRole: ['DELIVERY#*', 'IDEMPOTENCY#*', 'LINK#*', 'PACE#*', 'RUN#*', 'STREAK#*'],
      // The weekly digest: it reads delivery facts and claims each digest once.
      DigestRole: ['DELIVERY#*', 'ONCE#*'],
      ApprovalEventsRole: ['APPROVAL#*', 'AUDIT#*'],
      ApprovalStepsRole: ['APPROVAL#*', 'AUDIT#*'],
      RollbackStepsRole: ['ROLLBACK#*'],
      GovernanceRole: ['AUDIT#*', 'GOVERNANCE#*'],
      SlackActionsRole: ['APPROVAL#*', 'AUDIT#*', 'SLACK-REQUEST#*'],
      // Break-glass records, in the policy attached only when a freeze has break-glass approvers.
      SlackActionsBreakGlassPolicy: ['AUDIT#*', 'GOVERNANCE#*'],
    });
  });

  it('keeps the audit trail and the key that encrypts it when the stack is removed or the resource replaced', () => {
    for (const id of ['CardsTable', 'NotificationsKey']) {
      const resource = t.Resources[id] as Json;
      expect(resource.DeletionPolicy, id).toBe('Retain');
      expect(resource.UpdateReplacePolicy, id).toBe('Retain');
    }
  });
});

describe('cycles()', () => {
  it('finds the cycle the approval role once made, and none in a chain', () => {
    const r = (Type: string, Properties: Json) => ({ Type, Properties });
    const cyclic = {
      Resources: {
        Role: r('AWS::IAM::Role', { Policies: [{ PolicyDocument: { Statement: [{ Resource: { Ref: 'Timer' } }] } }] }),
        Timer: r('AWS::StepFunctions::StateMachine', { DefinitionString: { 'Fn::Sub': ['x', { f: { 'Fn::GetAtt': ['Steps', 'Arn'] } }] } }),
        Steps: r('AWS::Lambda::Function', { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } }),
      },
      Outputs: {},
    } as Template;
    expect(cycles(cyclic).map((c) => [...c].sort())).toEqual([['Role', 'Steps', 'Timer']]);
    const chain = { Resources: { A: r('X', { B: { Ref: 'B' } }), B: r('X', { S: { 'Fn::Sub': '${C.Arn}' } }), C: r('X', {}) }, Outputs: {} } as Template;
    expect(cycles(chain)).toEqual([]);
  });
});
