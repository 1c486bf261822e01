import { glob } from '../../../kernel/config/fields';
import * as z from '../../../kernel/zod';
import { defineRule } from '../custom';
import type { PackageSubject } from '../definitions';

const globs = z.array(glob).check(z.minLength(1, 'list is empty; omit the key'));

/**
 * Dependency confusion: if an internal package name may also come from an upstream (npmjs, PyPI,
 * Maven Central), anyone who publishes that name publicly can slip a version in. Internal packages
 * must have `originConfiguration.restrictions.upstream: BLOCK`.
 */
export const codeartifactUpstreamBlocked = defineRule({
  id: 'codeartifact-upstream-blocked',
  kind: 'package',
  description: 'Internal packages (by namespace or name) block versions from upstream repositories and external connections.',
  params: z
    .strictObject({
      /** Internal namespaces: npm scopes (`acme` or `@acme`), Maven groupIds (`com.acme.*`), generic namespaces. */
      namespaces: z.optional(globs),
      /** Internal package names, for formats without namespaces (pypi, nuget, ruby, cargo). */
      names: z.optional(globs),
    })
    .check(
      z.refine(
        (p) => p.namespaces !== undefined || p.names !== undefined,
        'name the internal packages: params.namespaces (e.g. acme for @acme/*) and/or params.names (e.g. acme-*)',
      ),
    ),
  check(subject, params, helpers) {
    const { namespace, name, originConfiguration } = subject.package;
    const bare = (ns: string) => ns.replace(/^@/, '');
    const internal =
      (namespace != null && (params.namespaces ?? []).some((glob) => helpers.glob(bare(glob))(bare(namespace)))) ||
      (params.names ?? []).some((glob) => helpers.glob(glob)(name));
    if (!internal) return [];
    const upstream = originConfiguration?.restrictions?.upstream;
    if (upstream === 'BLOCK') return [];
    return [
      {
        message: `internal package ${packageLabel(subject)} allows upstream versions (restrictions.upstream: ${upstream ?? 'not set'}); block them with aws codeartifact put-package-origin-configuration --domain ${subject.domain} --repository ${subject.repository} --format ${subject.package.format ?? '<format>'}${namespace ? ` --namespace ${namespace}` : ''} --package ${name} --restrictions publish=ALLOW,upstream=BLOCK`,
      },
    ];
  },
});

/**
 * How people write the package: `@acme/payments-client` (npm), `com.acme:core` (maven), else `ns/name`.
 *
 * @example packageLabel({ domain: 'acme', repository: 'internal', package: { format: 'npm', namespace: 'acme', name: 'ui' } }) // 'acme/internal @acme/ui'
 */
export function packageLabel(subject: PackageSubject): string {
  const { format, namespace, name } = subject.package;
  const pkg = !namespace
    ? name
    : format === 'npm'
      ? `@${namespace.replace(/^@/, '')}/${name}`
      : format === 'maven'
        ? `${namespace}:${name}`
        : `${namespace}/${name}`;
  return `${subject.domain}/${subject.repository} ${pkg}`;
}
