import { ConfigError } from '../kernel/errors';

/** An environment variable the function cannot run without (serverless.yml sets it); a ConfigError naming it otherwise. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError([`environment variable ${name} is not set`]);
  return value;
}
