// Shapes shared by the services' environment parsers.
import { z } from 'zod';

/** A comma-separated list (Kafka brokers, origins) as its trimmed, non-empty items. */
export const CommaList = z.string().transform((v) =>
  v
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/**
 * Where a Node service runs (ENVIRONMENT). Its images (infra/docker/node.Dockerfile) say production; run from source
 * it is development, where the defaults are the local stack's. Anywhere else the settings those defaults stand in for
 * must be given: a deployed service that quietly used them would talk to the wrong servers, or write the edge's keys
 * (erasure's tombstones, published policies) into a Redis the edge never reads.
 */
export const DeployEnvironment = z.enum(['development', 'staging', 'production']).default('development');

/** `name: message` for each of `names` that `source` leaves unset or blank, when `environment` is not development. */
export function unsetOutsideDevelopment(
  environment: z.infer<typeof DeployEnvironment>,
  source: Record<string, string | undefined>,
  names: Readonly<Record<string, string>>,
): string[] {
  if (environment === 'development') return [];
  return Object.entries(names)
    .filter(([name]) => !source[name]?.trim())
    .map(
      ([name, what]) => `${name}: required with ENVIRONMENT=${environment} (${what}); only development has a default`,
    );
}
