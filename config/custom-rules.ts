/**
 * Your own governance rules, next to the built-in ones. The `warden policy check` command and the
 * deployed governance Lambda both import this list; config/policy.yml turns a rule on by its id,
 * with a severity, a scope and a mode, exactly like a built-in rule. How to write one:
 * README.md, "Governance" ("Custom rules").
 *
 * A rule is a pure function of what AWS prints for a resource (`aws codepipeline get-pipeline`'s
 * `pipeline`, one of `aws codebuild batch-get-projects`' `projects`, or a CodeArtifact package):
 * no network, no clock. Return one finding per problem, saying what is wrong and how to fix it.
 */
import { type CustomRule, defineRule } from '../functions/governance/domain/custom';

/**
 * The GitHub (version 1) source action authenticates with a personal OAuth token stored in the
 * pipeline; AWS recommends CodeStarSourceConnection (CodeConnections) instead. Registered here as
 * an example; config/policy.yml lists it with `enabled: false`.
 */
export const noGithubV1Source = defineRule({
  id: 'no-github-v1-source',
  kind: 'pipeline',
  description: 'Source actions use a CodeConnections connection, not the GitHub (version 1) OAuth action.',
  check: (pipeline) =>
    pipeline.stages.flatMap((stage) =>
      stage.actions
        .filter((action) => action.actionTypeId.category === 'Source' && action.actionTypeId.provider === 'GitHub' && action.actionTypeId.version === '1')
        .map((action) => ({
          stage: stage.name,
          message: `source action ${action.name} in stage ${stage.name} uses GitHub (version 1) with an OAuth token; replace it with a CodeStarSourceConnection action (provider CodeStarSourceConnection) and a CodeConnections connection`,
        })),
    ),
});

export const customRules: readonly CustomRule[] = [noGithubV1Source];
