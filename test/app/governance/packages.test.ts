/**
 * Package versions starting pipelines: which triggers a published version matches (domain,
 * repository, namespace with or without npm's `@`, package, format), and the client request token
 * that makes a redelivered change start nothing more.
 */
import { describe, expect, it } from 'vitest';
import { requestToken, triggerMatches } from '../../../functions/governance/app/packages';
import { governanceTrigger, type PackagePublished } from '../../../functions/governance/domain/trigger';
import type { PackageTrigger } from '../../../functions/kernel/config/governance';

const detail = (d: Partial<PackagePublished['detail']> = {}): PackagePublished['detail'] => ({
  domainName: 'acme',
  repositoryName: 'shared-npm',
  packageFormat: 'npm',
  packageNamespace: 'acme',
  packageName: 'ui-kit',
  packageVersion: '2.4.0',
  packageVersionState: 'Published',
  ...d,
});
const trigger = (t: Partial<PackageTrigger> = {}): PackageTrigger => ({ domain: 'acme', pipelines: ['web'], ...t });

describe('triggerMatches', () => {
  it.each<[string, PackageTrigger, PackagePublished['detail'], boolean]>([
    ['the domain alone', trigger(), detail(), true],
    ['another domain', trigger({ domain: 'other' }), detail(), false],
    ['a repository glob', trigger({ repositories: ['shared-*'] }), detail(), true],
    [
      'a repository glob that misses (a consumer repository retaining the version from upstream)',
      trigger({ repositories: ['shared-*'] }),
      detail({ repositoryName: 'team-a-npm' }),
      false,
    ],
    ['a namespace written with @', trigger({ namespaces: ['@acme'] }), detail(), true],
    ['a namespace the event writes with @', trigger({ namespaces: ['acme'] }), detail({ packageNamespace: '@acme' }), true],
    ['a namespace filter and a package without one', trigger({ namespaces: ['acme'] }), detail({ packageNamespace: null }), false],
    [
      'a Maven groupId glob',
      trigger({ namespaces: ['com.acme.*'], formats: ['maven'] }),
      detail({ packageFormat: 'maven', packageNamespace: 'com.acme.payments' }),
      true,
    ],
    ['a package glob', trigger({ packages: ['ui-*'] }), detail(), true],
    ['a package glob that misses', trigger({ packages: ['api-*'] }), detail(), false],
    ['a format that misses', trigger({ formats: ['pypi'] }), detail(), false],
  ])('%s → %s', (_what, t, d, expected) => {
    expect(triggerMatches(t, d)).toBe(expected);
  });
});

describe('requestToken', () => {
  const event = (d: Partial<PackagePublished['detail']> = {}, id = '73f03fec-a137-971e-6ac6-07c8ffffffff'): PackagePublished => ({
    id,
    'detail-type': 'CodeArtifact Package Version State Change',
    detail: detail(d),
  });

  it('is a valid clientRequestToken, the same for every delivery of one change, and differs per pipeline', () => {
    const token = requestToken(event({ eventDeduplicationId: '2mEO0A2Ke07rWUTBXk3CAiQhdTXF4N94LNaT/ffffff=' }), 'web');
    expect(token).toMatch(/^[A-Za-z0-9-]{1,128}$/);
    // A redelivery may carry another EventBridge id; the deduplication id is what stays.
    expect(requestToken(event({ eventDeduplicationId: '2mEO0A2Ke07rWUTBXk3CAiQhdTXF4N94LNaT/ffffff=' }, 'another-id'), 'web')).toBe(token);
    expect(requestToken(event({ eventDeduplicationId: '2mEO0A2Ke07rWUTBXk3CAiQhdTXF4N94LNaT/ffffff=' }), 'api')).not.toBe(token);
    expect(requestToken(event({ eventDeduplicationId: 'other+change=' }), 'web')).not.toBe(token);
  });

  it('falls back to the event id without a deduplication id', () => {
    expect(requestToken(event(), 'web')).toBe(requestToken(event(), 'web'));
    expect(requestToken(event({}, 'a'), 'web')).not.toBe(requestToken(event({}, 'b'), 'web'));
  });
});

describe('which package events trigger', () => {
  const raw = (d: Record<string, unknown>) => ({
    id: 'e1',
    'detail-type': 'CodeArtifact Package Version State Change',
    source: 'aws.codeartifact',
    detail: { ...detail(), ...d },
  });

  it.each([
    ['a version that became Published', { changes: { statusChanged: true } }, 'package'],
    ['an event without `changes`', {}, 'package'],
    ['assets added to a Published version (a Maven JAR pushed later)', { changes: { statusChanged: false, assetsAdded: 1 } }, 'ignored'],
    ['a version still Unfinished', { packageVersionState: 'Unfinished', changes: { statusChanged: true } }, 'ignored'],
  ])('%s → %s', (_what, d, kind) => {
    expect(governanceTrigger(raw(d)).kind).toBe(kind);
  });
});
