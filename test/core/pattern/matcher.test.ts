import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type EventPattern, InvalidPatternError, matchesPattern, validatePattern } from '../../../tools/event-pattern/matcher';
import { AWS_EVENTS_DIR, EVENTBRIDGE_PATTERNS_DIR, readJsonTree } from '../../support/fixtures';

const PatternCase = z.object({
  pattern: z.record(z.string(), z.unknown()),
  event: z.record(z.string(), z.unknown()),
  match: z.boolean(),
  source: z.string(),
});

const corpus = readJsonTree(EVENTBRIDGE_PATTERNS_DIR).map(([file, raw]) => [file, PatternCase.parse(raw)] as const);

describe('the real EventBridge pattern corpus (test/fixtures/eventbridge-patterns)', () => {
  it('is there (a missing folder must not pass silently)', () => {
    expect(corpus.length).toBeGreaterThan(50);
  });

  it.each(corpus)('%s', (_file, testCase) => {
    expect(matchesPattern(testCase.pattern, testCase.event)).toBe(testCase.match);
  });

  it.each(corpus)('%s has a pattern that validates', (_file, testCase) => {
    expect(validatePattern(testCase.pattern)).toEqual([]);
  });
});

/** The envelope every EventBridge event carries; cases only spell out what they test. */
function envelope(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'Test',
    source: 'test.source',
    account: '111122223333',
    time: '2017-10-02T18:43:48Z',
    region: 'us-west-1',
    resources: [],
    ...fields,
  };
}

function realEvent(file: string): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(path.join(AWS_EVENTS_DIR, file), 'utf8')));
}

const approvalStarted = realEvent('codepipeline/aws-to-slack-action-approval-started.json');
const actionStarted = realEvent('codepipeline/lambda-go-action-started-deploy.json');

const pipelineFailed = envelope({
  source: 'aws.codepipeline',
  'detail-type': 'CodePipeline Pipeline Execution State Change',
  resources: ['arn:aws:codepipeline:us-east-1:111122223333:my-pipeline'],
  detail: { pipeline: 'my-pipeline', 'execution-id': '01234567-0123-0123-0123-012345678901', state: 'FAILED', version: 1 },
});

interface ExtraCase {
  readonly name: string;
  /** `docs`: an example of the AWS EventBridge user guide; `ruler`: Event Ruler's documented behaviour. */
  readonly from: 'docs' | 'ruler';
  readonly pattern: EventPattern;
  readonly event: unknown;
  readonly match: boolean;
}

const extra: readonly ExtraCase[] = [
  // Prefix, suffix, equals-ignore-case, empty string and null (operators page of the user guide).
  { name: 'prefix on time', from: 'docs', pattern: { time: [{ prefix: '2017-10-02' }] }, event: envelope({}), match: true },
  {
    name: 'prefix on a number never matches',
    from: 'docs',
    pattern: { detail: { count: [{ prefix: '1' }] } },
    event: envelope({ detail: { count: 123 } }),
    match: false,
  },
  {
    name: 'prefix ignoring case',
    from: 'docs',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] } },
    event: envelope({ detail: { service: 'EVENTBRIDGE' } }),
    match: true,
  },
  {
    name: 'suffix ignoring case',
    from: 'docs',
    pattern: { detail: { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] } },
    event: envelope({ detail: { service: 'EventBridge' } }),
    match: true,
  },
  { name: 'suffix is case-sensitive', from: 'docs', pattern: { FileName: [{ suffix: '.png' }] }, event: envelope({ FileName: 'image.PNG' }), match: false },
  {
    name: 'equals-ignore-case',
    from: 'docs',
    pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
    event: envelope({ detail: { Name: 'ALICE' } }),
    match: true,
  },
  {
    name: 'equals-ignore-case is not a prefix',
    from: 'docs',
    pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
    event: envelope({ detail: { Name: 'Alicia' } }),
    match: false,
  },
  {
    name: 'empty string matches empty string',
    from: 'docs',
    pattern: { detail: { LastName: [''] } },
    event: envelope({ detail: { LastName: '' } }),
    match: true,
  },
  {
    name: 'empty string does not match null',
    from: 'docs',
    pattern: { detail: { LastName: [''] } },
    event: envelope({ detail: { LastName: null } }),
    match: false,
  },
  { name: 'null matches null', from: 'docs', pattern: { detail: { UserID: [null] } }, event: envelope({ detail: { UserID: null } }), match: true },
  { name: 'null does not match a missing key', from: 'docs', pattern: { detail: { UserID: [null] } }, event: envelope({ detail: {} }), match: false },
  // Anything-but in all its forms.
  {
    name: 'anything-but needs the field to be there',
    from: 'ruler',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: envelope({ detail: {} }),
    match: false,
  },
  {
    name: 'anything-but on an array: one other element is enough',
    from: 'ruler',
    pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
    event: envelope({ detail: { state: ['stopped', 'running'] } }),
    match: true,
  },
  {
    name: 'anything-but prefix (region not in the US)',
    from: 'docs',
    pattern: { detail: { Region: [{ 'anything-but': { prefix: 'us-' } }] } },
    event: envelope({ detail: { Region: 'eu-west-1' } }),
    match: true,
  },
  {
    name: 'anything-but prefix excludes',
    from: 'docs',
    pattern: { detail: { Region: [{ 'anything-but': { prefix: 'us-' } }] } },
    event: envelope({ detail: { Region: 'us-east-1' } }),
    match: false,
  },
  {
    name: 'anything-but suffix excludes',
    from: 'docs',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    event: envelope({ detail: { FileName: 'image.png' } }),
    match: false,
  },
  {
    name: 'anything-but suffix lets others through',
    from: 'docs',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    event: envelope({ detail: { FileName: 'image.jpg' } }),
    match: true,
  },
  {
    name: 'anything-but suffix list',
    from: 'ruler',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }] } },
    event: envelope({ detail: { FileName: 'image.jpg' } }),
    match: false,
  },
  {
    name: 'anything-but suffix lets a number through',
    from: 'ruler',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    event: envelope({ detail: { FileName: 42 } }),
    match: true,
  },
  {
    name: 'anything-but wildcard excludes /lib/',
    from: 'docs',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: envelope({ detail: { FilePath: '/usr/lib/libc.so' } }),
    match: false,
  },
  {
    name: 'anything-but wildcard lets others through',
    from: 'docs',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: envelope({ detail: { FilePath: '/usr/bin/env' } }),
    match: true,
  },
  {
    name: 'anything-but ignore-case list',
    from: 'ruler',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['stopped', 'overloaded'] } }] } },
    event: envelope({ detail: { state: 'STOPPED' } }),
    match: false,
  },
  {
    name: 'anything-but a number compares numerically',
    from: 'docs',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: envelope({ detail: { 'x-limit': 300.0 } }),
    match: false,
  },
  {
    name: 'anything-but a number lets the same digits as a string through',
    from: 'ruler',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: envelope({ detail: { 'x-limit': '123' } }),
    match: true,
  },
  // Numeric.
  {
    name: 'numeric range, upper bound included',
    from: 'docs',
    pattern: { detail: { Price: [{ numeric: ['>', 10, '<=', 20] }] } },
    event: envelope({ detail: { Price: 20 } }),
    match: true,
  },
  {
    name: 'numeric range, lower bound excluded',
    from: 'docs',
    pattern: { detail: { Price: [{ numeric: ['>', 10, '<=', 20] }] } },
    event: envelope({ detail: { Price: 10 } }),
    match: false,
  },
  {
    name: 'numeric = with scientific notation',
    from: 'docs',
    pattern: { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
    event: envelope({ detail: { 'x-limit': 301.8 } }),
    match: true,
  },
  {
    name: 'numeric on a string value never matches',
    from: 'docs',
    pattern: { detail: { Price: [{ numeric: ['>', 0] }] } },
    event: envelope({ detail: { Price: '5' } }),
    match: false,
  },
  {
    name: 'numeric outside ±5e9 never matches',
    from: 'ruler',
    pattern: { detail: { size: [{ numeric: ['>', 0] }] } },
    event: envelope({ detail: { size: 6e9 } }),
    match: false,
  },
  { name: 'exact number: 4 equals 4.0 (real event, version 4.0)', from: 'ruler', pattern: { detail: { version: [4] } }, event: approvalStarted, match: true },
  {
    name: 'exact number does not match a string',
    from: 'ruler',
    pattern: { detail: { version: [1] } },
    event: envelope({ detail: { version: '1' } }),
    match: false,
  },
  { name: 'exact boolean', from: 'docs', pattern: { detail: { enabled: [true] } }, event: envelope({ detail: { enabled: 'true' } }), match: false },
  // Exists: null is a leaf, an object is not.
  { name: 'exists true on null', from: 'ruler', pattern: { detail: { state: [{ exists: true }] } }, event: envelope({ detail: { state: null } }), match: true },
  {
    name: 'exists false on null',
    from: 'ruler',
    pattern: { detail: { state: [{ exists: false }] } },
    event: envelope({ detail: { state: null } }),
    match: false,
  },
  {
    name: 'exists false on an object (not a leaf)',
    from: 'docs',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: envelope({ detail: { 'c-count': { c1: 100 } } }),
    match: true,
  },
  { name: 'exists true on an empty array', from: 'ruler', pattern: { resources: [{ exists: true }] }, event: envelope({ resources: [] }), match: false },
  { name: 'exists false on an empty array', from: 'ruler', pattern: { resources: [{ exists: false }] }, event: envelope({ resources: [] }), match: true },
  {
    name: 'exists false on a missing key',
    from: 'docs',
    pattern: { detail: { ProductName: [{ exists: false }] } },
    event: envelope({ detail: { Price: 1 } }),
    match: true,
  },
  // Wildcard.
  {
    name: 'wildcard: .png inside dir',
    from: 'docs',
    pattern: { detail: { FileName: [{ wildcard: 'dir/*.png' }] } },
    event: envelope({ detail: { FileName: 'dir/a/b.png' } }),
    match: true,
  },
  {
    name: 'wildcard: other folder',
    from: 'docs',
    pattern: { detail: { FileName: [{ wildcard: 'dir/*.png' }] } },
    event: envelope({ detail: { FileName: 'other/b.png' } }),
    match: false,
  },
  {
    name: 'wildcard: * matches nothing too',
    from: 'ruler',
    pattern: { detail: { FileName: [{ wildcard: 'a*b' }] } },
    event: envelope({ detail: { FileName: 'ab' } }),
    match: true,
  },
  {
    name: 'wildcard: \\* is a literal asterisk',
    from: 'ruler',
    pattern: { detail: { FileName: [{ wildcard: 'a\\*b' }] } },
    event: envelope({ detail: { FileName: 'axb' } }),
    match: false,
  },
  {
    name: 'wildcard: \\* matches an asterisk',
    from: 'ruler',
    pattern: { detail: { FileName: [{ wildcard: 'a\\*b' }] } },
    event: envelope({ detail: { FileName: 'a*b' } }),
    match: true,
  },
  {
    name: 'wildcard: regex characters are literal',
    from: 'ruler',
    pattern: { detail: { FileName: [{ wildcard: 'v1.?*' }] } },
    event: envelope({ detail: { FileName: 'v12x' } }),
    match: false,
  },
  // IP addresses.
  {
    name: 'cidr IPv4 upper edge',
    from: 'docs',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: envelope({ detail: { sourceIPAddress: '10.0.0.255' } }),
    match: true,
  },
  {
    name: 'cidr IPv4 next block',
    from: 'docs',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: envelope({ detail: { sourceIPAddress: '10.0.1.0' } }),
    match: false,
  },
  {
    name: 'cidr IPv6 inside',
    from: 'docs',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
    event: envelope({ detail: { sourceIPAddress: '2001:db8:85a3::8a2e:370:7334' } }),
    match: true,
  },
  {
    name: 'cidr IPv6 outside',
    from: 'docs',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
    event: envelope({ detail: { sourceIPAddress: '2001:db9::1' } }),
    match: false,
  },
  {
    name: 'cidr IPv6 does not match an IPv4 address',
    from: 'ruler',
    pattern: { detail: { sourceIPAddress: [{ cidr: '::/0' }] } },
    event: envelope({ detail: { sourceIPAddress: '10.0.0.1' } }),
    match: false,
  },
  {
    name: 'cidr on a hostname',
    from: 'ruler',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/8' }] } },
    event: envelope({ detail: { sourceIPAddress: 'codepipeline.amazonaws.com' } }),
    match: false,
  },
  {
    name: 'an exact IPv6 literal compares as an address',
    from: 'ruler',
    pattern: { detail: { ip: ['2001:db8::1'] } },
    event: envelope({ detail: { ip: '2001:DB8:0:0:0:0:0:1' } }),
    match: true,
  },
  // $or at any level.
  {
    name: '$or at the top (Location or Day)',
    from: 'docs',
    pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    event: envelope({ Day: 'Monday' }),
    match: true,
  },
  {
    name: '$or nested under detail',
    from: 'docs',
    pattern: { source: ['aws.codepipeline'], detail: { $or: [{ state: ['SUCCEEDED'] }, { 'execution-id': [{ prefix: '0123' }] }] } },
    event: pipelineFailed,
    match: true,
  },
  {
    name: '$or nested under detail, no branch holds',
    from: 'docs',
    pattern: { detail: { $or: [{ state: ['SUCCEEDED'] }, { pipeline: ['other'] }] } },
    event: pipelineFailed,
    match: false,
  },
  {
    name: '$or inside $or',
    from: 'ruler',
    pattern: { $or: [{ source: ['aws.codebuild'] }, { detail: { state: ['FAILED'], $or: [{ pipeline: ['x'] }, { version: [1] }] } }] },
    event: pipelineFailed,
    match: true,
  },
  // CodePipeline-style keys and top-level fields, compared like any other field.
  {
    name: 'CodePipeline execution-id exists and state',
    from: 'docs',
    pattern: {
      source: ['aws.codepipeline'],
      'detail-type': ['CodePipeline Pipeline Execution State Change'],
      detail: { 'execution-id': [{ exists: true }], state: ['FAILED'] },
    },
    event: pipelineFailed,
    match: true,
  },
  {
    name: 'CodePipeline execution-id exact',
    from: 'docs',
    pattern: { detail: { 'execution-id': ['01234567-0123-0123-0123-012345678901'], type: { category: ['Deploy'] } } },
    event: actionStarted,
    match: true,
  },
  {
    name: 'CodePipeline manual approval action (real event)',
    from: 'docs',
    pattern: { 'detail-type': ['CodePipeline Action Execution State Change'], detail: { state: ['STARTED'], type: { category: ['Approval'] } } },
    event: approvalStarted,
    match: true,
  },
  { name: 'account is compared', from: 'docs', pattern: { account: ['123456789012'] }, event: pipelineFailed, match: false },
  { name: 'region is compared', from: 'docs', pattern: { region: ['us-east-1'] }, event: pipelineFailed, match: false },
  { name: 'resources prefix', from: 'docs', pattern: { resources: [{ prefix: 'arn:aws:codepipeline:' }] }, event: pipelineFailed, match: true },
  { name: 'id is compared', from: 'docs', pattern: { id: ['nope'] }, event: pipelineFailed, match: false },
  {
    name: 'keys are case-sensitive',
    from: 'docs',
    pattern: { 'Detail-Type': ['CodePipeline Pipeline Execution State Change'] },
    event: pipelineFailed,
    match: false,
  },
  // Arrays of objects: fields must come from the same element.
  {
    name: 'array consistency: same element',
    from: 'ruler',
    pattern: { detail: { employees: { first: ['Anna'], last: ['Smith'] } } },
    event: envelope({
      detail: {
        employees: [
          { first: 'John', last: 'Doe' },
          { first: 'Anna', last: 'Smith' },
        ],
      },
    }),
    match: true,
  },
  {
    name: 'array consistency: different elements',
    from: 'ruler',
    pattern: { detail: { employees: { first: ['Anna'], last: ['Doe'] } } },
    event: envelope({
      detail: {
        employees: [
          { first: 'John', last: 'Doe' },
          { first: 'Anna', last: 'Smith' },
        ],
      },
    }),
    match: false,
  },
  {
    name: 'exists false is judged within the chosen array element',
    from: 'ruler',
    pattern: { detail: { items: { name: ['a'], tag: [{ exists: false }] } } },
    event: envelope({ detail: { items: [{ name: 'a' }, { name: 'b', tag: 'x' }] } }),
    match: true,
  },
  {
    name: 'exists false fails when the chosen element has the key',
    from: 'ruler',
    pattern: { detail: { items: { name: ['a'], tag: [{ exists: false }] } } },
    event: envelope({ detail: { items: [{ name: 'a', tag: 'x' }, { name: 'b' }] } }),
    match: false,
  },
  {
    name: 'arrays of arrays are crushed out',
    from: 'ruler',
    pattern: { detail: { employees: { first: ['Peter'] } } },
    event: envelope({ detail: { employees: [[{ first: 'John' }], [{ first: 'Peter' }]] } }),
    match: true,
  },
  {
    name: 'a dotted event key equals a nested pattern',
    from: 'ruler',
    pattern: { detail: { state: { status: ['running'] } } },
    event: envelope({ detail: { 'state.status': 'running' } }),
    match: true,
  },
  { name: 'an event that is not an object', from: 'ruler', pattern: { source: [{ exists: false }] }, event: ['not', 'an', 'object'], match: false },
];

describe('extra cases from the AWS EventBridge docs and Event Ruler', () => {
  it.each(extra)('$from: $name', ({ pattern, event, match }) => {
    expect(matchesPattern(pattern, event)).toBe(match);
  });

  it.each(extra)('$from: $name has a pattern that validates', ({ pattern }) => {
    expect(validatePattern(pattern)).toEqual([]);
  });
});

describe('validatePattern', () => {
  it.each([
    ['an unknown operator', { detail: { state: ['RUNNING', { prefx: 'S' }] } }, 'detail.state[1]: unknown operator "prefx"'],
    ['a leaf that is not an array', { source: 'aws.ec2' }, 'source: must be an array of match values or an object'],
    ['an empty array', { source: [] }, 'source: empty arrays are not allowed'],
    ['an empty object', { detail: {} }, 'detail: empty objects are not allowed'],
    ['an empty pattern', {}, '(pattern): empty objects are not allowed'],
    ['a pattern that is not an object', ['aws.ec2'], '(pattern): must be a JSON object'],
    ['a nested array value', { source: [['aws.ec2']] }, 'source[0]: a match value must be a string, number, true, false, null or an operator object'],
    ['two operators in one object', { x: [{ prefix: 'a', suffix: 'b' }] }, 'x[0]: an operator object must have exactly one key, found 2'],
    ['a prefix that is not a string', { x: [{ prefix: 1 }] }, 'x[0].prefix: must be a string or {"equals-ignore-case": "<string>"}'],
    [
      'numeric with the bounds the wrong way round',
      { x: [{ numeric: ['<', 5, '>', 1] }] },
      'x[0].numeric: must be [op, number] or [">"|">=", number, "<"|"<=", number], e.g. [">", 0, "<=", 5]',
    ],
    ['numeric with an empty range', { x: [{ numeric: ['>', 5, '<', 1] }] }, 'x[0].numeric: the lower bound must be less than the upper bound'],
    ['numeric beyond 5e9', { x: [{ numeric: ['>', 6e9] }] }, 'x[0].numeric[1]: must be between -5000000000 and 5000000000'],
    ['numeric with 7 decimals', { x: [{ numeric: ['=', 0.1234567] }] }, 'x[0].numeric[1]: may have at most 6 decimal places'],
    [
      'anything-but with mixed types',
      { x: [{ 'anything-but': ['a', 1] }] },
      'x[0].anything-but: must be a string, a number, or a non-empty list of only strings or only numbers',
    ],
    ['anything-but with an empty prefix', { x: [{ 'anything-but': { prefix: '' } }] }, 'x[0].anything-but.prefix: an empty prefix is not allowed'],
    [
      'anything-but with an unsupported operator',
      { x: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'x[0].anything-but: must hold exactly one of "prefix", "suffix", "equals-ignore-case", "wildcard"',
    ],
    ['a wildcard with **', { x: [{ wildcard: 'a**b' }] }, 'x[0].wildcard: consecutive wildcard characters are not allowed'],
    ['a wildcard with a stray backslash', { x: [{ wildcard: 'a\\b' }] }, 'x[0].wildcard: a backslash may only escape "*" or "\\"'],
    ['a cidr without a mask', { x: [{ cidr: '10.0.0.1' }] }, 'x[0].cidr: must be an IPv4 or IPv6 CIDR block such as "10.0.0.0/24" or "2001:db8::/32"'],
    ['a cidr mask too long', { x: [{ cidr: '10.0.0.0/33' }] }, 'x[0].cidr: must be an IPv4 or IPv6 CIDR block such as "10.0.0.0/24" or "2001:db8::/32"'],
    ['exists with a string', { x: [{ exists: 'yes' }] }, 'x[0].exists: must be true or false'],
    ['$or with one alternative', { detail: { $or: [{ a: ['x'] }] } }, 'detail.$or: must be an array of at least 2 objects'],
    ['$or with a non-object alternative', { $or: [{ a: ['x'] }, 'b'] }, '$or[1]: each $or alternative must be an object'],
    [
      'an operator name as a field inside $or',
      { $or: [{ prefix: ['x'] }, { b: ['y'] }] },
      '$or[0].prefix: "prefix" is an operator name and cannot be a field inside $or',
    ],
    [
      'a problem deep inside $or',
      { detail: { $or: [{ a: ['x'] }, { b: [{ numeric: ['>'] }] }] } },
      'detail.$or[1].b[0].numeric: must be [op, number] or [">"|">=", number, "<"|"<=", number], e.g. [">", 0, "<=", 5]',
    ],
  ])('reports %s with its path', (_what, pattern, problem) => {
    expect(validatePattern(pattern)).toEqual([problem]);
  });

  it('reports every problem, not only the first', () => {
    expect(validatePattern({ source: [], detail: { state: [{ prefx: 'S' }] } })).toEqual([
      'source: empty arrays are not allowed',
      'detail.state[0]: unknown operator "prefx"',
    ]);
  });

  it('accepts a key given twice (the last one wins, as the AWS docs say)', () => {
    const pattern = { detail: { 'state.status': ['stopped'], state: { status: ['running'] } } };
    expect(validatePattern(pattern)).toEqual([]);
    expect(matchesPattern(pattern, envelope({ detail: { state: { status: 'running' } } }))).toBe(true);
  });

  it('makes matchesPattern refuse a broken pattern, as TestEventPattern does', () => {
    expect(() => matchesPattern({ detail: { state: [{ prefx: 'S' }] } }, pipelineFailed)).toThrow(InvalidPatternError);
  });
});
