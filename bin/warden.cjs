#!/usr/bin/env node
// The `warden` command: TypeScript sources run through tsx, so the CLI and the Lambda bundles share
// one code base and there is no build step between editing a rule and replaying it.
require('tsx/cjs');
require('../cli/warden.ts');
