import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/kernel/config/parse';
import { ConfigError } from '../../functions/kernel/errors';
import { compileGlobs } from '../../functions/kernel/glob-picomatch';
import { embeddedConfig, embeddedGlobs } from '../../functions/notify/wiring';

describe('embeddedConfig (the config serverless package bakes into the bundle)', () => {
  it('reads back exactly the validated config', () => {
    const parsed = parseConfig(readFileSync(path.resolve(__dirname, '../../config/warden.yml'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(embeddedConfig(JSON.stringify(parsed.config))).toEqual(parsed.config);
  });

  it('refuses a missing or tampered config with its problems', () => {
    expect(() => embeddedConfig('')).toThrow(ConfigError);
    expect(() => embeddedConfig(JSON.stringify({ version: 1, routes: [{ slack: { channels: ['#x'] } }] }))).toThrow(
      /routes\[0\]\.slack\.channels\[0\]: must be a Slack channel ID/,
    );
  });
});

describe('embeddedGlobs (the route globs compiled at package time)', () => {
  const parsed = parseConfig(readFileSync(path.resolve(__dirname, '../../config/warden.yml'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));

  it('routes with the shipped regexes', () => {
    const glob = embeddedGlobs(parsed.config, JSON.stringify(compileGlobs(parsed.config)));
    expect(glob('payments-*')('payments-api')).toBe(true);
    expect(glob('payments-*')('web')).toBe(false);
  });

  it('refuses to start when a glob of the config was not compiled', () => {
    expect(() => embeddedGlobs(parsed.config, '{}')).toThrow(/glob "payments-\*": not compiled at package time/);
  });
});
