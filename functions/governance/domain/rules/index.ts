/** The built-in rules, in the order the docs present them. */
import type { AnyRule } from '../custom';
import { approvalTimeout } from './approval-timeout';
import { artifactEncryption } from './artifact-encryption';
import { codeartifactUpstreamBlocked } from './codeartifact';
import { codebuildLogging, codebuildPlaintextSecrets, codebuildPrivilegedMode } from './codebuild';
import { pipelineTypeV2 } from './pipeline-type';
import { productionAlarm } from './production-alarm';
import { productionApproval } from './production-approval';

export const BUILT_IN_RULES: readonly AnyRule[] = [
  productionApproval,
  approvalTimeout,
  productionAlarm,
  pipelineTypeV2,
  artifactEncryption,
  codebuildPrivilegedMode,
  codebuildPlaintextSecrets,
  codebuildLogging,
  codeartifactUpstreamBlocked,
];
