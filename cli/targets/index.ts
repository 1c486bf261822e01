/** Every rule of the stack and what replay runs its events through (one entry per feature). */
import { approvalTarget } from './approval';
import { governanceTargets } from './governance';
import { notifyTargets } from './notify';
import { rollbackTarget } from './rollback';
import type { ReplayTargetFactory } from './types';

export const TARGETS: readonly ReplayTargetFactory[] = [notifyTargets, approvalTarget, rollbackTarget, governanceTargets];
