import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config/parse';
import { ConfigError } from '../../functions/core/errors';
import { embeddedConfig } from '../../functions/handlers/notify-deps';

describe('embeddedConfig (the config serverless package bakes into the bundle)', () => {
  it('reads back exactly the validated config', () => {
    const parsed = parseConfig(readFileSync(path.resolve(__dirname, '../../config/warden.yml'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(embeddedConfig(JSON.stringify(parsed.config))).toEqual(parsed.config);
  });

  it('refuses a missing or tampered config with its problems', () => {
    expect(() => embeddedConfig('')).toThrow(ConfigError);
    expect(() => embeddedConfig(JSON.stringify({ version: 1, routes: [{ slack: { channels: ['#x'] } }] }))).toThrow(/routes\[0\]\.slack\.channels\[0\]: must be a Slack channel ID/);
  });
});
