/**
 * Request-body validation against the official Admin REST schema (Swagger 2.0), with the
 * relaxed profile of docs/contracts/magento.md#validating-against-the-official-schema: top-level body parameters required, nested `required`
 * ignored, every property nullable, numeric strings coerced, `custom_attributes[].value` may be
 * an array, unknown properties refused (2.4.7+: 400; older: 500).
 * The 1.2 MB file is read once, lazily; each route gets a compiled validator tree.
 */
import { readFileSync } from 'node:fs';
import { MagentoHttpError, fieldRequired, internalError } from './errors.js';
import { isPlainObject, toCamelUpper, toSnake } from './util.js';

type Scalar = 'string' | 'integer' | 'number' | 'boolean';
export type SchemaNode =
  | { kind: 'object'; props: Map<string, SchemaNode> }
  | { kind: 'array'; item: SchemaNode }
  | { kind: 'scalar'; type: Scalar }
  | { kind: 'attributeValue' }
  | { kind: 'any' };

interface BodyParam {
  name: string;
  snake: string;
  node: SchemaNode;
  required: boolean;
}

export interface BodyValidator {
  params: BodyParam[];
}

interface RawSchema {
  type?: string;
  $ref?: string;
  properties?: Record<string, RawSchema>;
  items?: RawSchema;
  required?: string[];
}

interface SwaggerDoc {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; schema?: RawSchema }> }>>;
  definitions: Record<string, RawSchema>;
}

export interface ValidationSettings {
  /** 2.4.7+ refuse unknown fields with 400; older releases fail with a 500. */
  unknownFieldStatus: 400 | 500;
}

const TYPE_NAMES: Record<Scalar, string> = { string: 'string', integer: 'int', number: 'float', boolean: 'bool' };

export class SchemaRegistry {
  private doc: SwaggerDoc | undefined;
  private readonly definitions = new Map<string, SchemaNode>();
  private readonly validators = new Map<string, BodyValidator | null>();

  constructor(
    private readonly schemaPath: string,
    private readonly extraDefinitions: Record<string, RawSchema> = {},
  ) {}

  private load(): SwaggerDoc {
    if (!this.doc) this.doc = JSON.parse(readFileSync(this.schemaPath, 'utf8')) as SwaggerDoc;
    return this.doc;
  }

  private compileRef(ref: string): SchemaNode {
    const name = ref.replace('#/definitions/', '');
    const cached = this.definitions.get(name);
    if (cached) return cached;
    const raw = this.extraDefinitions[name] ?? this.load().definitions[name];
    if (!raw) return { kind: 'any' };
    // Register the object first so recursive definitions terminate.
    const node: SchemaNode = { kind: 'object', props: new Map() };
    this.definitions.set(name, node);
    const compiled = this.compile(raw, name);
    if (compiled.kind === 'object') for (const [k, v] of compiled.props) node.props.set(k, v);
    else this.definitions.set(name, compiled);
    return this.definitions.get(name) as SchemaNode;
  }

  private compile(raw: RawSchema, owner = ''): SchemaNode {
    if (raw.$ref) return this.compileRef(raw.$ref);
    if (raw.type === 'array') return { kind: 'array', item: raw.items ? this.compile(raw.items) : { kind: 'any' } };
    if (raw.type === 'string' || raw.type === 'integer' || raw.type === 'number' || raw.type === 'boolean') return { kind: 'scalar', type: raw.type };
    if (raw.properties) {
      const props = new Map<string, SchemaNode>();
      for (const [key, value] of Object.entries(raw.properties)) {
        // Multi-valued attributes (category_ids) come as arrays although the schema says string.
        const isAttributeValue = owner === 'framework-attribute-interface' && key === 'value';
        props.set(key, isAttributeValue ? { kind: 'attributeValue' } : this.compile(value));
      }
      return { kind: 'object', props };
    }
    return { kind: 'any' };
  }

  /** Scalar property names of a definition (for a data interface: its flat table's columns, near enough). */
  scalarProperties(definition: string): Set<string> {
    const raw = this.load().definitions[definition];
    return new Set(Object.entries(raw?.properties ?? {}).filter(([, v]) => !v.$ref && v.type !== 'object' && v.type !== 'array').map(([k]) => k));
  }

  /** Validator for the body of `METHOD /V1/path/{param}` (schema path syntax); null when the route takes no body. */
  bodyValidator(method: string, schemaPath: string): BodyValidator | null {
    const key = `${method} ${schemaPath}`;
    if (this.validators.has(key)) return this.validators.get(key) as BodyValidator | null;
    const op = this.load().paths[schemaPath]?.[method.toLowerCase()];
    const bodyParam = op?.parameters?.find((p) => p.in === 'body');
    const validator = bodyParam?.schema ? this.compileBody(bodyParam.schema) : null;
    this.validators.set(key, validator);
    return validator;
  }

  /** Validator for a body described inline (routes of icsync's own module, absent from the schema). */
  customBodyValidator(key: string, schema: RawSchema): BodyValidator {
    const cached = this.validators.get(key);
    if (cached) return cached;
    const validator = this.compileBody(schema);
    this.validators.set(key, validator);
    return validator;
  }

  private compileBody(schema: RawSchema): BodyValidator {
    const required = new Set(schema.required ?? []);
    return {
      params: Object.entries(schema.properties ?? {}).map(([name, raw]) => ({
        name,
        snake: toSnake(name),
        node: this.compile(raw),
        required: required.has(name),
      })),
    };
  }
}

function typeError(field: string, value: unknown, type: Scalar): MagentoHttpError {
  return new MagentoHttpError(400, {
    message: 'Error occurred during "%fieldName" processing. The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.',
    parameters: { fieldName: field, value: typeof value === 'object' ? JSON.stringify(value) : String(value), type: TYPE_NAMES[type] },
  });
}

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function coerceScalar(field: string, value: unknown, type: Scalar): unknown {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return typeof value === 'boolean' ? (value ? '1' : '') : String(value);
      throw typeError(field, value, type);
    case 'integer':
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && NUMERIC.test(value) ? Number(value) : typeof value === 'boolean' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw typeError(field, value, type);
      return type === 'integer' ? Math.trunc(n) : n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === '1' || value === 'true') return true;
      if (value === 0 || value === '0' || value === 'false' || value === '') return false;
      throw typeError(field, value, type);
  }
}

function coerce(field: string, value: unknown, node: SchemaNode, settings: ValidationSettings): unknown {
  if (value === null || value === undefined) return null;
  switch (node.kind) {
    case 'any':
      return value;
    case 'scalar':
      return coerceScalar(field, value, node.type);
    case 'attributeValue':
      if (Array.isArray(value)) return value.map((v) => coerceScalar(field, v, 'string'));
      if (isPlainObject(value)) return value;
      return coerceScalar(field, value, 'string');
    case 'array': {
      // A single object where a list is expected is wrapped by Magento's input processor.
      const list = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [value];
      return list.map((item) => coerce(field, item, node.item, settings));
    }
    case 'object': {
      if (!isPlainObject(value)) throw typeError(field, value, 'string');
      const out: Record<string, unknown> = {};
      for (const [rawKey, inner] of Object.entries(value)) {
        const key = toSnake(rawKey);
        const child = node.props.get(key);
        if (!child) {
          if (settings.unknownFieldStatus === 500) throw internalError();
          throw new MagentoHttpError(400, {
            message: '"%fieldName" is not supported. Correct the field name and try again.',
            parameters: { fieldName: toCamelUpper(key) },
          });
        }
        out[key] = coerce(key, inner, child, settings);
      }
      return out;
    }
  }
}

/** Returns the top-level parameters, keyed by their schema names, coerced and snake_cased inside. */
export function validateBody(validator: BodyValidator, body: unknown, settings: ValidationSettings): Record<string, unknown> {
  const input = isPlainObject(body) ? body : {};
  const bySnake = new Map<string, unknown>();
  for (const [key, value] of Object.entries(input)) bySnake.set(toSnake(key), value);
  const out: Record<string, unknown> = {};
  for (const param of validator.params) {
    const value = bySnake.get(param.snake);
    if (value === undefined || value === null) {
      if (param.required) throw fieldRequired(param.name);
      continue;
    }
    out[param.name] = coerce(param.name, value, param.node, settings);
  }
  return out;
}
