import { z } from 'zod';
import { configSchema } from './schema.js';

/** JSON Schema of icsync.yaml for editors (YAML language servers read it). */
export function configJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what a person writes (defaults optional), not the parsed result.
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}
