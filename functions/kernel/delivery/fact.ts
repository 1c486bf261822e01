/**
 * Delivery facts: what the insights (the four DORA keys, failure streaks, the weekly digest) are
 * computed from. Each is derived from a pipeline run's card (functions/kernel/delivery/derive.ts),
 * or written by pipeline-warden when it rolls back, and stored once per run and kind: the same run
 * seen again, in any order or any number of times, gives the same fact under the same key.
 */

/** Who rolled a pipeline back. */
export type RollbackBy = 'pipeline-warden' | 'codepipeline' | 'codedeploy';

/** Where lead time starts: the source revision's commit time, or (unknown) the execution's start. */
export type LeadTimeFrom = 'commit' | 'execution-start';

interface FactBase {
  readonly account: string;
  readonly region: string;
  readonly pipeline: string;
  /** The pipeline execution the fact is about (a rollback: the execution that rolled back, when there is one). */
  readonly executionId: string;
  /** When it happened (ISO-8601). */
  readonly at: string;
  /**
   * The pipeline's tags, when its card holds them (some route matches on tags): what lets the digest
   * take such routes. A fact without them (a rollback read from the pipeline's history) takes the
   * tags another fact of the same pipeline carries.
   */
  readonly tags?: Readonly<Record<string, string>>;
}

export type DeliveryFact =
  /** The run's production stages succeeded (at: the last of them). A rollback run is not one. */
  | (FactBase & {
      readonly kind: 'deployment';
      /** When the execution started (ISO). */
      readonly startedAt: string;
      /** The source revision's commit time, when the source tells it (ISO). */
      readonly committedAt?: string;
    })
  /** A production stage of the run failed (at: the first such failure); a retried stage that then succeeded is still one. */
  | (FactBase & { readonly kind: 'failed-deployment'; readonly stage: string })
  /** The pipeline was rolled back (at: when the rollback began). */
  | (FactBase & { readonly kind: 'rollback'; readonly by: RollbackBy; readonly stage?: string })
  /** A manual approval waited from its start to its decision (at: the decision). */
  | (FactBase & {
      readonly kind: 'approval';
      readonly stage: string;
      readonly action: string;
      readonly waitSeconds: number;
      /** SUCCEEDED (approved), FAILED (rejected or timed out), ... as the action ended. */
      readonly state: string;
    })
  /** The run ended (any outcome): what failure streaks count. */
  | (FactBase & { readonly kind: 'run'; readonly outcome: 'succeeded' | 'failed' | 'stopped'; readonly startedAt: string });

export type DeliveryFactKind = DeliveryFact['kind'];

/**
 * A fact's identity: one per run and kind (an approval: per action). Recording a fact under a key
 * that exists replaces it, so a fact that grows (a later production stage succeeding) stays one.
 *
 * @example factKey({ kind: 'deployment', account: '1', region: 'r', pipeline: 'p', executionId: 'e', at: '…', startedAt: '…' }) // '1#r#p#e#deployment'
 */
export function factKey(fact: DeliveryFact): string {
  const base = `${fact.account}#${fact.region}#${fact.pipeline}#${fact.executionId}#${fact.kind}`;
  return fact.kind === 'approval' ? `${base}#${fact.stage}/${fact.action}` : base;
}

/** The pipeline a fact is about, as one string (`account/region/pipeline`). */
export const pipelineKeyOf = (fact: Pick<FactBase, 'account' | 'region' | 'pipeline'>): string => `${fact.account}/${fact.region}/${fact.pipeline}`;
