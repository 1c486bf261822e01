/**
 * The domain event: what one AWS event tells us about one run, service-neutral.
 *
 * A run is what gets one Slack card: a pipeline execution, or a build / deployment / package
 * version / alarm episode that no pipeline owns. Every observation names its run and carries one
 * fact about one entity of that run (the pipeline, a stage, an action, a build, ...).
 */

/** What kind of thing a card is about. */
export type RunKind = 'pipeline' | 'build' | 'deployment' | 'package' | 'alarm' | 'pull-request' | 'reference';

/** The names routes match on. */
export interface Subject {
  readonly account: string;
  readonly region: string;
  readonly pipeline?: string;
  readonly project?: string;
  readonly application?: string;
  /** A CodeArtifact repository (route key `repositories`). */
  readonly repository?: string;
  readonly alarm?: string;
  /** A CodeCommit repository (route key `codecommit`): pull requests, branches and tags. */
  readonly codecommit?: string;
  /**
   * The pipeline's resource tags (`team: payments`), looked up once for a card when some route
   * matches on tags (organization mode: teams tag their pipelines); absent otherwise.
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** How a status reads to a person; drives icons, levels and email. */
export type Outcome = 'running' | 'succeeded' | 'failed' | 'stopped' | 'waiting' | 'info';

export type Fact =
  | { readonly type: 'pipeline'; readonly state: string; readonly trigger?: string; readonly triggerDetail?: string }
  | { readonly type: 'stage'; readonly stage: string; readonly state: string }
  | {
      readonly type: 'action';
      readonly stage: string;
      readonly action: string;
      readonly state: string;
      readonly category: string;
      readonly provider: string;
      readonly externalId?: string;
      readonly externalUrl?: string;
      readonly summary?: string;
      readonly errorCode?: string;
    }
  | {
      readonly type: 'build';
      readonly buildId: string;
      readonly project: string;
      readonly state: string;
      readonly buildNumber?: number;
      readonly initiator?: string;
      readonly sourceVersion?: string;
      readonly logGroup?: string;
      readonly logStream?: string;
      readonly logLink?: string;
      readonly currentPhase?: string;
    }
  | {
      readonly type: 'build-phase';
      readonly buildId: string;
      readonly phase: string;
      readonly status: string;
      readonly context?: string;
    }
  | {
      readonly type: 'deployment';
      readonly deploymentId: string;
      readonly application: string;
      readonly group: string;
      readonly state: string;
    }
  | { readonly type: 'instance'; readonly deploymentId: string; readonly instanceId: string; readonly state: string }
  | {
      readonly type: 'package';
      readonly domain: string;
      readonly domainOwner: string;
      readonly repository: string;
      readonly format: string;
      readonly namespace?: string;
      readonly name: string;
      readonly version: string;
      readonly state: string;
      readonly operation: string;
    }
  | {
      readonly type: 'alarm';
      readonly alarm: string;
      readonly state: string;
      readonly reason?: string;
      /** When the alarm entered this state (ISO). */
      readonly at?: string;
      /** What it watches: its metrics, or a composite alarm's rule. */
      readonly metric?: string;
      readonly rule?: string;
    }
  | {
      /** A CodeCommit pull request; `state` is OPEN, MERGED or CLOSED (closed without a merge). */
      readonly type: 'pull-request';
      readonly pullRequestId: string;
      readonly repository: string;
      readonly state: string;
      /** The event that said so (`pullRequestCreated`, `pullRequestSourceBranchUpdated`, ...). */
      readonly event: string;
      readonly title?: string;
      /** Branch names (`refs/heads/` removed). */
      readonly source?: string;
      readonly destination?: string;
      readonly sourceCommit?: string;
      /** The pull request's author, and who made this change (IAM/STS ARNs as the event gives them). */
      readonly author?: string;
      readonly caller?: string;
    }
  | {
      /** One person's approval of a pull request: APPROVE or REVOKE. */
      readonly type: 'pull-request-approval';
      readonly pullRequestId: string;
      readonly approver: string;
      readonly state: string;
    }
  | {
      /**
       * A comment on a pull request: `state` CREATED, or UPDATED (an edit; `at` is the edit's time,
       * so each edit is its own entity). `caller` is who made it, `inReplyTo` the comment it answers.
       */
      readonly type: 'pull-request-comment';
      readonly pullRequestId: string;
      readonly commentId: string;
      readonly state: string;
      readonly at?: string;
      readonly caller?: string;
      readonly inReplyTo?: string;
    }
  | {
      /** A branch or tag created, moved or deleted; `state` is CREATED, UPDATED or DELETED. */
      readonly type: 'reference';
      readonly repository: string;
      readonly referenceType: string;
      readonly referenceName: string;
      readonly state: string;
      readonly commitId?: string;
      readonly oldCommitId?: string;
      readonly caller?: string;
    };

export type FactType = Fact['type'];

/** A reference to a run: what kind it is and its stable key. */
export interface RunRef {
  readonly kind: RunKind;
  /** Unique across accounts and regions, e.g. `pipeline/123456789012/us-east-1/my-pipeline/<execution-id>`. */
  readonly key: string;
}

/**
 * A link from an entity that may belong to a pipeline run (a build, a deployment) to that run,
 * learned from the pipeline action whose `external-execution-id` names it.
 */
export interface RunLink {
  readonly kind: 'build' | 'deployment';
  readonly externalId: string;
}

/** Where a deployment goes: lets a deployment meet the pipeline action deploying there. */
export interface DeploymentGroupRef {
  readonly application: string;
  readonly deploymentGroup: string;
}

export interface Observation {
  readonly eventId: string;
  /** ISO-8601 time of the AWS event. */
  readonly time: string;
  readonly run: RunRef;
  readonly subject: Subject;
  readonly fact: Fact;
  /**
   * Set when this observation's run may be owned by a pipeline run: a build whose initiator is
   * `codepipeline/<name>`, or a deployment. The handler looks the link up before choosing the card.
   */
  readonly linkable?: RunLink & { readonly pipeline?: string; readonly group?: DeploymentGroupRef };
  /** The pipeline's structure version (CodePipeline events carry it), to look its definition up. */
  readonly pipelineVersion?: number;
  /** Set on a pipeline action that names the build or deployment it ran. */
  readonly links?: readonly RunLink[];
}
