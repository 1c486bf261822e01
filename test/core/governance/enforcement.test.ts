/**
 * decideTransitions as a table: what is closed and reopened, and the line it never crosses: only a
 * transition this tool closed is ever reopened; a person's disable is never undone.
 */
import { describe, expect, it } from 'vitest';
import {
  closeReason,
  decideTransitions,
  type TransitionAction,
  type TransitionRecord,
  type TransitionState,
} from '../../../functions/governance/domain/enforcement';

const RULE = closeReason(['rule production-approval']);
const open = (stage = 'Prod', lastChangedAt?: string): TransitionState => ({ stage, enabled: true, ...(lastChangedAt ? { lastChangedAt } : {}) });
const closed = (disabledReason: string, stage = 'Prod'): TransitionState => ({ stage, enabled: false, disabledReason, lastChangedAt: '2026-11-23T10:00:00Z' });
const record = (reason = RULE, state: TransitionRecord['state'] = 'disabled', disabledAt = '2026-11-23T10:00:00Z'): TransitionRecord => ({
  pipeline: 'p',
  stage: 'Prod',
  reason,
  disabledAt,
  state,
});
const want = new Map([['p/Prod', ['rule production-approval']]]);
const none = new Map<string, string[]>();

function decide(wanted: Map<string, string[]>, state: TransitionState, records: TransitionRecord[] = []): TransitionAction[] {
  return decideTransitions({ wanted, current: new Map([['p', [state]]]), records });
}

describe('decideTransitions', () => {
  it.each<[string, Map<string, string[]>, TransitionState, TransitionRecord[], TransitionAction[]]>([
    ['closes an open stage that must be closed', want, open(), [], [{ action: 'disable', pipeline: 'p', stage: 'Prod', reason: RULE }]],
    ['leaves our closed stage closed (idempotent)', want, closed(RULE), [record()], []],
    ['never claims a stage a person closed', want, closed('waiting for QA sign-off'), [], []],
    ['reopens our stage once the cause is gone', none, closed(RULE), [record()], [{ action: 'enable', pipeline: 'p', stage: 'Prod', was: RULE }]],
    ['never reopens a stage a person closed', none, closed('waiting for QA sign-off'), [], []],
    [
      'never reopens a stage a person closed again after us, with their own reason',
      none,
      closed('hotfix freeze'),
      [record()],
      [{ action: 'forget', pipeline: 'p', stage: 'Prod', why: 'a person disabled it with a reason of their own' }],
    ],
    [
      'does not fight a person who reopened ours while the cause holds',
      want,
      open('Prod', '2026-11-23T11:00:00Z'),
      [record()],
      [{ action: 'release', pipeline: 'p', stage: 'Prod', reason: RULE }],
    ],
    ['…and stays out of it afterwards', want, open('Prod', '2026-11-23T11:00:00Z'), [record(RULE, 'released', '2026-11-23T11:05:00Z')], []],
    [
      'closes again for a new cause',
      new Map([['p/Prod', ['freeze year-end until 2027-01-04 08:00 Europe/Berlin']]]),
      open('Prod', '2026-11-23T11:00:00Z'),
      [record(RULE, 'released')],
      [{ action: 'disable', pipeline: 'p', stage: 'Prod', reason: 'pipeline-warden - freeze year-end until 2027-01-04 08.00 Europe-Berlin' }],
    ],
    [
      'closes again when our earlier call never landed (record written, transition unchanged since)',
      want,
      open('Prod', '2026-11-22T09:00:00Z'),
      [record()],
      [{ action: 'disable', pipeline: 'p', stage: 'Prod', reason: RULE }],
    ],
    [
      'forgets a record of ours that a person reopened after the cause went',
      none,
      open('Prod', '2026-11-23T11:00:00Z'),
      [record()],
      [{ action: 'forget', pipeline: 'p', stage: 'Prod', why: 'it is open again' }],
    ],
    ['does nothing for an open stage nobody wants closed', none, open(), [], []],
  ])('%s', (_name, wanted, state, records, expected) => {
    expect(decide(wanted, state, records)).toEqual(expected);
  });

  it('is idempotent: applying its decision and deciding again changes nothing', () => {
    const stages = [open('Build'), open('Prod'), closed('manual hold', 'Prod-EU')];
    const wanted = new Map([
      ['p/Prod', ['rule production-approval']],
      ['p/Prod-EU', ['rule production-approval']],
    ]);
    const first = decideTransitions({ wanted, current: new Map([['p', stages]]), records: [] });
    expect(first).toEqual([{ action: 'disable', pipeline: 'p', stage: 'Prod', reason: RULE }]);
    const after = stages.map((s) => (s.stage === 'Prod' ? closed(RULE) : s));
    expect(decideTransitions({ wanted, current: new Map([['p', after]]), records: [record(RULE, 'disabled', '2026-11-23T10:00:00Z')] })).toEqual([]);
  });

  it('forgets records of stages that no longer exist, only in pipelines it looked at', () => {
    const gone = { ...record(), stage: 'Old' };
    const elsewhere = { ...record(), pipeline: 'other' };
    expect(decideTransitions({ wanted: none, current: new Map([['p', [open('Prod')]]]), records: [gone, elsewhere] })).toEqual([
      { action: 'forget', pipeline: 'p', stage: 'Old', why: 'the stage no longer exists' },
    ]);
  });
});

describe('closeReason', () => {
  it('fits DisableStageTransition: [a-zA-Z0-9!@ ().*?-], at most 300 characters, the same for the same causes', () => {
    const reason = closeReason(['freeze year-end until 2027-01-04 08:00 Europe/Berlin', 'rule production-approval']);
    expect(reason).toBe('pipeline-warden - freeze year-end until 2027-01-04 08.00 Europe-Berlin - rule production-approval');
    expect(reason).toMatch(/^[a-zA-Z0-9!@ ().*?-]{1,300}$/);
    expect(closeReason(['rule production-approval', 'freeze year-end until 2027-01-04 08:00 Europe/Berlin'])).toBe(reason);
    expect(closeReason(Array.from({ length: 40 }, (_, i) => `rule some-long-rule-name-${i}`)).length).toBeLessThanOrEqual(300);
  });
});
