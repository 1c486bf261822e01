/**
 * zod for the Lambda bundles: `zod/mini` (tree-shakable, ~15 KB instead of ~90 KB for classic zod)
 * with the English messages loaded once, so problems read the same in `warden validate` and in logs.
 * Import it as a namespace (`import * as z from '../zod'`) so the bundler keeps only what is used.
 */

import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
