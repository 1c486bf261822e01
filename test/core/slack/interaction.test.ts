import { describe, expect, it } from 'vitest';
import { parseInteraction, type SlackInteraction, stateText } from '../../../functions/kernel/slack/interaction';
import { blockActions, formBody } from '../../support/slack-requests';

const click = (changes: (payload: Record<string, any>) => void = () => undefined): string => {
  const payload = blockActions({ actionId: 'approval:approve', value: 'approval-key-1', comment: 'ship it' });
  changes(payload);
  return formBody(payload);
};
const interactionOf = (body: string): SlackInteraction => {
  const parsed = parseInteraction(body);
  if (parsed.kind !== 'interaction') throw new Error(`expected an interaction, got ${JSON.stringify(parsed)}`);
  return parsed.interaction;
};

describe('parseInteraction: a block_actions click', () => {
  it('keeps what routes need and drops the rest', () => {
    expect(interactionOf(click())).toEqual({
      type: 'block_actions',
      actionId: 'approval:approve',
      value: 'approval-key-1',
      user: { id: 'U0APPROVER', username: 'ada', name: 'ada' },
      team: { id: 'T0TEAM0001' },
      channel: { id: 'C0TEAM0001' },
      message: { ts: '1700000000.000200', thread_ts: '1700000000.000100' },
      responseUrl: 'https://hooks.slack.com/actions/T0TEAM0001/1234567890/abcdefABCDEF',
      state: { values: { 'approval-comment': { 'approval:comment': { type: 'plain_text_input', value: 'ship it' } } } },
    });
  });

  it.each<[string, (p: Record<string, any>) => void, Partial<SlackInteraction>]>([
    ['a button without value → value ""', (p) => delete p.actions[0].value, { value: '' }],
    [
      'a select menu → the selected option',
      (p) => {
        delete p.actions[0].value;
        p.actions[0].selected_option = { value: 'opt-2', text: { type: 'plain_text', text: 'Two' } };
      },
      { value: 'opt-2' },
    ],
    [
      'several actions → the first (the clicked one)',
      (p) => p.actions.push({ type: 'button', action_id: 'other', value: 'x' }),
      { actionId: 'approval:approve' },
    ],
    ['form `+` and %-escapes decoded', (p) => (p.actions[0].value = 'a b+c&d=é'), { value: 'a b+c&d=é' }],
    ['unicode kept as is', (p) => (p.actions[0].value = '🚀 déploiement ✓ 承認'), { value: '🚀 déploiement ✓ 承認' }],
  ])('%s', (_label, change, expected) => {
    expect(interactionOf(click(change))).toMatchObject(expected);
  });

  it.each<[string, (p: Record<string, any>) => void, keyof SlackInteraction]>([
    ['team null (org-wide installs)', (p) => (p.team = null), 'team'],
    ['no channel (App Home)', (p) => delete p.channel, 'channel'],
    ['no message', (p) => delete p.message, 'message'],
    ['no state', (p) => delete p.state, 'state'],
    ['no response_url', (p) => delete p.response_url, 'responseUrl'],
  ])('leaves optional parts out: %s', (_label, change, key) => {
    expect(interactionOf(click(change))).not.toHaveProperty(key);
  });
});

describe('parseInteraction: other interactions are ignored, never errors', () => {
  it.each(['view_submission', 'view_closed', 'shortcut', 'message_action', 'interactive_message', 'block_suggestion'])('%s', (type) => {
    expect(parseInteraction(formBody({ type, user: { id: 'U1' } }))).toEqual({ kind: 'ignored', type });
  });
});

describe('parseInteraction: unreadable bodies are bad requests, never throws', () => {
  it.each<[string, string, RegExp]>([
    ['an empty body', '', /no payload field/],
    ['no payload field', 'token=x&team_id=T1', /no payload field/],
    ['two payload fields', `${click()}&${click()}`, /more than one payload/],
    ['payload not JSON', 'payload=%7B%22type%22', /not JSON/],
    ['payload JSON null', 'payload=null', /no string "type"/],
    ['payload a JSON array', `payload=${encodeURIComponent('[{"type":"block_actions"}]')}`, /no string "type"/],
    ['payload a number type', formBody({ type: 7 }), /no string "type"/],
    ['malformed %-escapes', 'payload=%E0%A4%A', /not JSON/],
  ])('%s', (_label, body, problem) => {
    const parsed = parseInteraction(body);
    expect(parsed.kind).toBe('bad-request');
    expect(parsed.kind === 'bad-request' && parsed.problem).toMatch(problem);
  });

  it.each<[string, (p: Record<string, any>) => void, RegExp]>([
    ['no user', (p) => delete p.user, /^user: required/],
    ['an empty user id', (p) => (p.user.id = ''), /^user\.id:/],
    ['a numeric user id', (p) => (p.user.id = 42), /^user\.id:/],
    ['no actions', (p) => delete p.actions, /^actions: required/],
    ['an empty actions list', (p) => (p.actions = []), /^actions:/],
    ['actions not a list', (p) => (p.actions = { 0: p.actions[0] }), /^actions:/],
    ['an action without action_id', (p) => delete p.actions[0].action_id, /^actions\[0\]\.action_id: required/],
    ['an action_id longer than Slack allows (255)', (p) => (p.actions[0].action_id = `approval:${'x'.repeat(250)}`), /^actions\[0\]\.action_id:/],
    ['a value longer than Slack allows (2000)', (p) => (p.actions[0].value = 'v'.repeat(2001)), /^actions\[0\]\.value:/],
    ['a numeric value', (p) => (p.actions[0].value = 1), /^actions\[0\]\.value:/],
    ['a channel without id', (p) => (p.channel = { name: 'deploys' }), /^channel\.id: required/],
    ['a message without ts', (p) => delete p.message.ts, /^message\.ts: required/],
    ['state values of the wrong shape', (p) => (p.state = { values: { b: { a: 'text' } } }), /^state\.values\.b\.a:/],
  ])('a block_actions payload with %s', (_label, change, problem) => {
    const parsed = parseInteraction(click(change));
    expect(parsed.kind).toBe('bad-request');
    expect(parsed.kind === 'bad-request' && parsed.problem).toMatch(problem);
  });

  it('keeps the problem short whatever the input', () => {
    const parsed = parseInteraction(click((p) => (p.actions = Array.from({ length: 500 }, () => ({ action_id: 7 })))));
    expect(parsed.kind === 'bad-request' && parsed.problem.length).toBeLessThanOrEqual(301);
  });
});

describe('stateText', () => {
  it('reads the comment box', () => {
    expect(stateText(interactionOf(click()), 'approval-comment', 'approval:comment')).toBe('ship it');
  });

  it.each<[string, (p: Record<string, any>) => void]>([
    ['an empty box (value null)', (p) => (p.state.values['approval-comment']['approval:comment'].value = null)],
    ['an empty string', (p) => (p.state.values['approval-comment']['approval:comment'].value = '')],
    ['no such block', (p) => (p.state.values = {})],
    ['no state', (p) => delete p.state],
  ])('is undefined for %s', (_label, change) => {
    expect(stateText(interactionOf(click(change)), 'approval-comment', 'approval:comment')).toBeUndefined();
  });

  it('does not read inherited properties for keys such as __proto__ or constructor', () => {
    const body = click((p) => (p.state.values = JSON.parse('{"__proto__": {"x": {"type": "t", "value": "v"}}}')));
    const interaction = interactionOf(body);
    expect(stateText(interaction, 'constructor', 'name')).toBeUndefined();
    expect(stateText(interaction, 'toString', 'length')).toBeUndefined();
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});
