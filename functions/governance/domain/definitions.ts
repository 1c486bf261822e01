/**
 * What AWS prints for the resources a policy governs, as the CLI and the SDK return them:
 * `aws codepipeline get-pipeline`, `aws codebuild batch-get-projects`, and
 * `aws codeartifact describe-package` wrapped with the domain and repository it was asked about
 * (describe-package does not repeat them). Shapes: test/fixtures/governance/README.md.
 *
 * Lenient on purpose, unlike the policy file: fields AWS adds later pass through untouched
 * (`looseObject`), so custom rules can read them, and only what the built-in rules need is required.
 */
import { formatIssue, formatPath } from '../../kernel/issues';
import * as z from '../../kernel/zod';

/**
 * formatIssue tells "required" from a wrong type by the issue's input, which zod only reports when
 * asked. (The input never reaches a message: a secret in a bad definition stays out of the output.)
 */
export const REPORT_INPUT = { reportInput: true } as const;

const name = z.string().check(z.minLength(1));

const ruleDeclaration = z.looseObject({
  name: z.optional(z.string()),
  ruleTypeId: z.looseObject({ category: z.optional(z.string()), owner: z.optional(z.string()), provider: z.string(), version: z.optional(z.string()) }),
  configuration: z.optional(z.record(z.string(), z.unknown())),
});

const condition = z.looseObject({ result: z.optional(z.string()), rules: z.optional(z.array(ruleDeclaration)) });
const conditions = z.looseObject({ conditions: z.optional(z.array(condition)) });

export const ActionSchema = z.looseObject({
  name,
  actionTypeId: z.looseObject({ category: z.string(), owner: z.optional(z.string()), provider: z.string(), version: z.optional(z.string()) }),
  /** Actions with the same runOrder run in parallel; absent means 1. */
  runOrder: z.optional(z.number()),
  configuration: z.optional(z.record(z.string(), z.unknown())),
  /** Manual approval actions only; absent means the account default (7 days). */
  timeoutInMinutes: z.optional(z.number()),
});
export type PipelineAction = z.infer<typeof ActionSchema>;

export const StageSchema = z.looseObject({
  name,
  actions: z.array(ActionSchema),
  beforeEntry: z.optional(conditions),
  onSuccess: z.optional(conditions),
  onFailure: z.optional(z.looseObject({ result: z.optional(z.string()), conditions: z.optional(z.array(condition)) })),
});
export type PipelineStage = z.infer<typeof StageSchema>;

const artifactStore = z.looseObject({
  type: z.optional(z.string()),
  location: z.optional(z.string()),
  /** Absent: the AWS managed key for Amazon S3 (aws/s3). */
  encryptionKey: z.optional(z.looseObject({ id: z.string(), type: z.optional(z.string()) })),
});
export type ArtifactStore = z.infer<typeof artifactStore>;

/** The `pipeline` object of get-pipeline (a PipelineDeclaration). */
export const PipelineDefinitionSchema = z.looseObject({
  name,
  roleArn: z.optional(z.string()),
  /** `V1` or `V2`; pipelines created before V2 existed may print none (they are V1). */
  pipelineType: z.optional(z.string()),
  version: z.optional(z.number()),
  artifactStore: z.optional(artifactStore),
  /** Per region, for pipelines with cross-region actions (instead of artifactStore). */
  artifactStores: z.optional(z.record(z.string(), artifactStore)),
  stages: z.array(StageSchema),
});
export type PipelineDefinition = z.infer<typeof PipelineDefinitionSchema>;

export const GetPipelineOutputSchema = z.looseObject({
  pipeline: PipelineDefinitionSchema,
  metadata: z.optional(z.looseObject({ pipelineArn: z.optional(z.string()) })),
});

const environmentVariable = z.looseObject({
  name: z.string(),
  value: z.optional(z.string()),
  /** PLAINTEXT (the default when absent), PARAMETER_STORE or SECRETS_MANAGER. */
  type: z.optional(z.string()),
});
export type EnvironmentVariable = z.infer<typeof environmentVariable>;

const logStatus = z.looseObject({ status: z.optional(z.string()) });

/** One element of batch-get-projects' `projects`. */
export const BuildProjectSchema = z.looseObject({
  name,
  arn: z.optional(z.string()),
  environment: z.optional(
    z.looseObject({
      privilegedMode: z.optional(z.boolean()),
      environmentVariables: z.optional(z.array(environmentVariable)),
    }),
  ),
  /** Absent (or without cloudWatchLogs): CloudWatch Logs are enabled, S3 logs are not. */
  logsConfig: z.optional(z.looseObject({ cloudWatchLogs: z.optional(logStatus), s3Logs: z.optional(logStatus) })),
});
export type BuildProject = z.infer<typeof BuildProjectSchema>;

export const BatchGetProjectsOutputSchema = z.looseObject({
  projects: z.array(BuildProjectSchema),
  projectsNotFound: z.optional(z.array(z.string())),
});

/** describe-package's `package` (a PackageDescription). */
export const PackageDescriptionSchema = z.looseObject({
  format: z.optional(z.string()),
  /** npm: the scope without `@`; maven: the groupId; pypi/nuget/ruby/cargo: none. */
  namespace: z.optional(z.nullable(z.string())),
  name,
  originConfiguration: z.optional(
    z.looseObject({ restrictions: z.optional(z.looseObject({ publish: z.optional(z.string()), upstream: z.optional(z.string()) })) }),
  ),
});
export type PackageDescription = z.infer<typeof PackageDescriptionSchema>;

/**
 * describe-package's output with the domain and repository it was asked about, e.g.
 * `aws codeartifact describe-package --domain acme --repository internal --format npm --namespace acme --package payments-client | jq '{domain: "acme", repository: "internal"} + .'`
 */
export const PackageSubjectSchema = z.looseObject({
  domain: name,
  repository: name,
  domainOwner: z.optional(z.string()),
  package: PackageDescriptionSchema,
});
export type PackageSubject = z.infer<typeof PackageSubjectSchema>;

/** Everything a policy can be evaluated on. */
export interface Subjects {
  pipelines: PipelineDefinition[];
  projects: BuildProject[];
  packages: PackageSubject[];
}

export type DefinitionsResult = { readonly ok: true; readonly subjects: Subjects } | { readonly ok: false; readonly problems: string[] };

/**
 * Recognizes and validates one JSON document: get-pipeline output, batch-get-projects output, a
 * package subject, or an array of any of them.
 *
 * @example readDefinitions({ pipeline: { name: 'web', stages: [] } }) // { ok: true, subjects: { pipelines: [{ name: 'web', stages: [] }], projects: [], packages: [] } }
 */
export function readDefinitions(json: unknown): DefinitionsResult {
  const subjects: Subjects = { pipelines: [], projects: [], packages: [] };
  const problems: string[] = [];
  const documents: unknown[] = Array.isArray(json) ? json : [json];
  documents.forEach((document, i) => {
    const prefix: PropertyKey[] = Array.isArray(json) ? [i] : [];
    problems.push(...readDocument(document, prefix, subjects));
  });
  return problems.length ? { ok: false, problems } : { ok: true, subjects };
}

const NOT_A_DEFINITION =
  'not a definition: expected the output of aws codepipeline get-pipeline (a "pipeline" key), aws codebuild batch-get-projects (a "projects" key) or a package subject ({domain, repository, package})';

/** Adds one document's resources to `subjects`; returns its problems. */
function readDocument(document: unknown, prefix: PropertyKey[], subjects: Subjects): string[] {
  const problemsOf = (error: z.core.$ZodError) => error.issues.flatMap((issue) => formatIssue({ ...issue, path: [...prefix, ...issue.path] }));
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    return [prefix.length ? `${formatPath(prefix)}: ${NOT_A_DEFINITION}` : NOT_A_DEFINITION];
  if ('pipeline' in document) {
    const result = z.safeParse(GetPipelineOutputSchema, document, REPORT_INPUT);
    if (!result.success) return problemsOf(result.error);
    subjects.pipelines.push(result.data.pipeline);
  } else if ('projects' in document) {
    const result = z.safeParse(BatchGetProjectsOutputSchema, document, REPORT_INPUT);
    if (!result.success) return problemsOf(result.error);
    subjects.projects.push(...result.data.projects);
  } else if ('package' in document) {
    const result = z.safeParse(PackageSubjectSchema, document, REPORT_INPUT);
    if (!result.success) return problemsOf(result.error);
    subjects.packages.push(result.data);
  } else {
    return [prefix.length ? `${formatPath(prefix)}: ${NOT_A_DEFINITION}` : NOT_A_DEFINITION];
  }
  return [];
}
