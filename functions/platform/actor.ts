/**
 * Acting where a pipeline lives (organization mode, README "Organization"): every call that reads
 * or acts on a pipeline, build, deployment or calendar goes to the account and region it concerns,
 * as the actor role the member stack (infra/member.yml) creates there. The home account works the
 * same way. In a single-account stack there is one client, with the function's own role.
 */
import type { AssumeRoleCommand, AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { PermanentError } from '../kernel/errors';
import type { Place } from '../kernel/ports';
import { classifyAwsError } from './aws-errors';

export type { Place };

/** What an AWS client is made with to act in a place. */
export interface PlaceConfig {
  readonly region: string;
  readonly credentials: () => Promise<AwsCredentialIdentity>;
}

/** An adapter's client for a place: one client (single account), or one per place (organization). */
export type ClientsIn<C> = C | ((place: Place) => C);

/** The client for `place`: `clients` itself when it is one client. */
export function clientAt<C extends object>(clients: ClientsIn<C>, place: Place | undefined, what = 'this call'): C {
  if (typeof clients !== 'function') return clients;
  if (!place) throw new PermanentError(`${what}: no account and region to make it in (organization mode needs them)`);
  return (clients as (place: Place) => C)(place);
}

/** Credentials are renewed this long before they expire (a call never starts with a role about to lapse). */
const RENEW_BEFORE_MS = 5 * 60_000;
const SESSION_SECONDS = 3600;

export interface Actor {
  /** One client per place, made once (the SDK client caches connections; its credentials come from the actor's cache). */
  clients<C>(make: (config: PlaceConfig) => C): (place: Place) => C;
  /** The actor role's ARN in an account. */
  roleArn(account: string): string;
}

export interface ActorOptions {
  readonly roleName: string;
  readonly partition?: string;
  /** The STS client that assumes the role (default: the function's own credentials, its region). */
  readonly sts?: { send(command: AssumeRoleCommand): Promise<AssumeRoleCommandOutput> };
  readonly now?: () => Date;
}

/**
 * @example
 * const actor = createActor({ roleName: 'pipeline-warden-actor' });
 * const pipelines = actor.clients((config) => new CodePipelineClient(config));
 * await pipelines({ account: '111122223333', region: 'eu-west-1' }).send(new GetPipelineCommand({ name: 'web' }));
 */
export function createActor(options: ActorOptions): Actor {
  const partition = options.partition ?? 'aws';
  const now = options.now ?? (() => new Date());
  let sts = options.sts;
  // Credentials per account, shared by every client and region of that account. Written here, not
  // with @aws-sdk/credential-providers' fromTemporaryCredentials, because the SDK caches a provider's
  // credentials per client: one client per service and region would each assume the role again,
  // and a refusal would reach the caller as STS's error instead of one that names account and role.
  const cache = new Map<string, Promise<AwsCredentialIdentity>>();
  const roleArn = (account: string) => `arn:${partition}:iam::${account}:role/${options.roleName}`;
  const credentials = (account: string) => async (): Promise<AwsCredentialIdentity> => {
    const cached = cache.get(account);
    if (cached) {
      const identity = await cached.catch(() => undefined);
      if (identity && (!identity.expiration || identity.expiration.getTime() - RENEW_BEFORE_MS > now().getTime())) return identity;
    }
    const assumed = assume(account);
    cache.set(account, assumed);
    assumed.catch(() => cache.delete(account));
    return assumed;
  };
  const assume = async (account: string): Promise<AwsCredentialIdentity> => {
    // Loaded on the first role to assume: outside organization mode, STS is never needed (~9 ms of a cold start).
    const { AssumeRoleCommand, STSClient } = await import('@aws-sdk/client-sts');
    sts ??= new STSClient({});
    const arn = roleArn(account);
    let out: AssumeRoleCommandOutput;
    try {
      out = await sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'pipeline-warden', DurationSeconds: SESSION_SECONDS }));
    } catch (error) {
      const sorted = classifyAwsError(`STS AssumeRole ${arn}`, error);
      if (!(sorted instanceof PermanentError)) throw sorted;
      throw new PermanentError(
        `cannot act in account ${account}: the role ${arn} refused or does not exist (${error instanceof Error ? error.name : 'error'}); deploy the member stack there (npx warden member-template) or check its trust`,
        { cause: error },
      );
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new PermanentError(`STS AssumeRole ${arn} answered without credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  };
  return {
    roleArn,
    clients(make) {
      const made = new Map<string, ReturnType<typeof make>>();
      return (place) => {
        const key = `${place.account}/${place.region}`;
        let client = made.get(key);
        if (!client) {
          client = make({ region: place.region, credentials: credentials(place.account) });
          made.set(key, client);
        }
        return client;
      };
    },
  };
}

/** One actor per role name in a function: every adapter shares its credentials cache. */
const actors = new Map<string, Actor>();

/**
 * The clients of a stack's adapters: in organization mode one per place, as the actor role there;
 * otherwise the one client the function's own role makes.
 *
 * @example createApprovalPipelinePort(placeClients(config.organization, (c) => new CodePipelineClient(c)))
 */
export function placeClients<C>(
  organization: { readonly actorRoleName: string } | undefined,
  make: (config: Partial<PlaceConfig>) => C,
): ClientsIn<C & object> {
  if (!organization) return make({}) as C & object;
  let actor = actors.get(organization.actorRoleName);
  if (!actor) {
    actor = createActor({ roleName: organization.actorRoleName, partition: partitionOf(process.env['AWS_REGION']) });
    actors.set(organization.actorRoleName, actor);
  }
  return actor.clients(make) as (place: Place) => C & object;
}

/** The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, `aws` otherwise. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
