/**
 * The packaged template, made creatable in moto: function code from a bucket the test fills, and
 * no ServerlessDeploymentBucket (osls's own bucket, which `serverless deploy` fills before the
 * stack exists; here the zips are uploaded by the test instead).
 */
import type { Json, Template } from '../support/package';

const DEPLOYMENT_BUCKET = 'ServerlessDeploymentBucket';

/**
 * A copy of `template` whose functions read their zips from `bucket` (same keys), without the
 * deployment bucket and whatever refers to it, directly or through other dropped resources.
 *
 * @example
 * const body = forMoto(packaged.template, 'warden-code');
 * // body.Resources.NotifyLambdaFunction.Properties.Code → { S3Bucket: 'warden-code', S3Key: '…/notify.zip' }
 */
export function forMoto(template: Template, bucket: string): Template {
  const copy: Template = structuredClone(template);
  for (const resource of Object.values(copy.Resources)) {
    if (resource.Type === 'AWS::Lambda::Function') resource.Properties.Code = { ...resource.Properties.Code, S3Bucket: bucket };
  }
  const dropped = new Set([DEPLOYMENT_BUCKET]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [id, resource] of Object.entries(copy.Resources)) {
      if (!dropped.has(id) && [...references(resource)].some((ref) => dropped.has(ref))) {
        dropped.add(id);
        grew = true;
      }
    }
  }
  for (const id of dropped) delete copy.Resources[id];
  for (const [id, output] of Object.entries(copy.Outputs ?? {})) {
    if ([...references(output)].some((ref) => dropped.has(ref))) delete copy.Outputs[id];
  }
  return copy;
}

/** Zip files the functions' `Code` names, as S3 key → file name in the package folder. */
export function codeKeys(template: Template): Map<string, string> {
  const keys = new Map<string, string>();
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const key = resource.Properties.Code?.S3Key;
    if (typeof key !== 'string') throw new Error(`function without an S3Key: ${JSON.stringify(resource.Properties.Code)}`);
    keys.set(key, key.split('/').at(-1) as string);
  }
  return keys;
}

/** Logical ids a resource or output refers to: Ref, Fn::GetAtt (both forms), Fn::Sub `${X}`, DependsOn. */
export function references(node: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value as Json)) {
      if (key === 'Ref' && typeof inner === 'string') out.add(inner);
      else if (key === 'Fn::GetAtt') out.add((Array.isArray(inner) ? String(inner[0]) : String(inner)).split('.')[0] as string);
      else if (key === 'DependsOn') for (const id of [inner].flat()) out.add(String(id));
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const match of String(text).matchAll(/\$\{([^}!.]+)(?:\.[^}]*)?\}/g)) out.add(match[1] as string);
      }
      visit(inner);
    }
  };
  visit(node);
  return out;
}
