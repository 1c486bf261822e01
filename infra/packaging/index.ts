/**
 * Packaging: the routing config (config/warden.yml) and the governance policy bridged into
 * serverless.yml at package time, through the `.cjs` shim osls loads (scripts/serverless-config.cjs).
 *
 * The config is validated as `warden validate` does, so an invalid config fails `serverless
 * package` with every problem and its path, printed once, instead of failing in Lambda at the
 * first event; a stage that would make a physical name too long is refused the same way.
 */
// Every resolver osls calls, by the name serverless.yml and infra/*.yml use.

// For tests and the CLI: the same functions without osls.
export { approvalResourcesOf } from './approvals';
export { dashboardBody } from './dashboard';
export { esbuildDefineOf } from './define';
export { digestScheduleOf } from './digest';
export { InvalidConfigError } from './errors';
export { breakGlassResourcesOf, changeCalendarResourcesOf } from './governance';
export { loadConfig, loadPolicy } from './load';
export { eventBusOf, organizationResourcesOf } from './organization';
export * from './resolvers';
export { rollbackResourcesOf } from './rollback';
export { tokenResourceOf } from './secrets';
export { topicArnsOf } from './topics';
