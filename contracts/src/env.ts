// Shapes shared by the services' environment parsers.
import { z } from 'zod';

/** A comma-separated list (Kafka brokers, origins) as its trimmed, non-empty items. */
export const CommaList = z.string().transform((v) =>
  v
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);
