'use strict';
/**
 * What serverless.yml and infra/*.yml read with `${file(./scripts/serverless-config.cjs):<name>}`:
 * osls loads sources with require(), so this shim loads the TypeScript (infra/packaging/index.ts)
 * through tsx, scoped to that one module tree (it does not hook every later require).
 */
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = { ...tsxRequire('../infra/packaging/index.ts', __filename) };
