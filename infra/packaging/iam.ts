/** IAM resource values as the packaged template writes them. */

/** An ARN CloudFormation completes at deploy time: `${AWS::AccountId}` needs no credentials at package time. */
export interface Sub {
  readonly 'Fn::Sub': string;
}
/** A Resource entry: an ARN given as is, or one to complete. */
export type IamResource = string | Sub;

/** @example sub('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/x') */
export const sub = (arn: string): Sub => ({ 'Fn::Sub': arn });

/** A CodePipeline ARN of this account and region: `<pipeline>`, `<pipeline>/<stage>` or `<pipeline>/<stage>/<action>`. */
export const codepipelineArn = (suffix: string): Sub => sub(`arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:${suffix}`);

/**
 * A config glob as an IAM ARN pattern. IAM ARNs only know `*` and `?`: a glob with other syntax
 * (`{a,b}`, `[0-9]`, `!(x)`) widens to `*`, never narrows.
 *
 * @example iamGlob('web-*') // 'web-*'; iamGlob('api-{a,b}') // '*'
 */
export const iamGlob = (glob: string): string => (/^[A-Za-z0-9.@\-_*?]+$/.test(glob) ? glob : '*');

/** The values, sorted, each once. */
export const uniqueSorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/**
 * The values, or the one fallback when there are none: IAM refuses an empty Resource list, so a
 * feature with nothing configured is granted on a name nobody can have.
 */
export const orNone = (values: readonly string[], none: string): readonly string[] => (values.length ? values : [none]);
