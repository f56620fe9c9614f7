// Checks recorded HTTP answers against the OpenAPI document: the status is one the route declares,
// the content type is declared for it, the body matches its schema (Ajv, JSON Schema 2020-12), and
// the headers the API speaks of are declared where sent and present where required. The end-to-end
// stories and the fuzz test run every answer through it; each mismatch is a line of text.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { RESPONSE_HEADERS } from '../../functions/api/schemas-common.ts';

/** One request and its answer, as a client saw it. */
export interface Exchange {
  method: string;
  /** The path as requested, with its query string. */
  url: string;
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

interface HeaderObject {
  required?: boolean;
  schema?: object;
}
interface ResponseObject {
  headers?: Record<string, HeaderObject>;
  content?: Record<string, { schema?: object }>;
}
interface Operation {
  responses: Record<string, ResponseObject>;
}
// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read by its JSON shape
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>> } & Record<string, any>;

/** The headers the API declares somewhere: one of them sent but not declared for that answer is a mismatch. */
const SPOKEN_HEADERS = Object.keys(RESPONSE_HEADERS).map((name) => name.toLowerCase());

/** `~` and `/` escaped for a JSON pointer. */
const pointer = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');

/** Paths only the local runtime serves (its clock), deliberately not in the document. */
const LOCAL_ONLY = /^\/local\//;

export function responseChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  formats.default(ajv);
  // The whole document is one resource: a body schema is a pointer into it, and its $refs resolve there.
  ajv.addSchema(document, 'openapi');
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (path: string): ValidateFunction => {
    const known = compiled.get(path);
    if (known) return known;
    const validate = ajv.compile({ $ref: `openapi#${path}` });
    compiled.set(path, validate);
    return validate;
  };

  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
    literal: !template.includes('{'),
  }));

  /** The path template a request path belongs to; a literal path wins over a template. */
  function templateOf(path: string): string | undefined {
    const matches = templates.filter((t) => t.pattern.test(path));
    return (matches.find((t) => t.literal) ?? matches[0])?.template;
  }

  /** Every way `exchange` departs from the document (empty: it conforms). */
  return function check(exchange: Exchange): string[] {
    const path = exchange.url.split('?')[0]!;
    const method = exchange.method.toLowerCase();
    const where = `${exchange.method} ${exchange.url} -> ${exchange.status}`;
    if (LOCAL_ONLY.test(path)) return [];
    const template = templateOf(path);
    const operation = template ? document.paths[template]?.[method] : undefined;
    // A request to no operation (an empty path segment, an unknown method) may only be refused.
    if (!template || !operation) {
      return exchange.status === 404 || exchange.status === 405
        ? []
        : [`${where}: no such operation in the document`];
    }
    const status = String(exchange.status);
    const answer = operation.responses[status] ?? operation.responses[`${status[0]}XX`];
    if (!answer) {
      return [
        `${where}: status ${status} is not declared for ${exchange.method} ${template} (declared: ${Object.keys(operation.responses).join(', ')})`,
      ];
    }
    const problems: string[] = [];
    const base = `/paths/${pointer(template)}/${method}/responses/${status}`;

    // Headers: required ones present, declared ones well-formed, spoken ones declared.
    const declared = new Map(
      Object.entries(answer.headers ?? {}).map(([name, header]) => [name.toLowerCase(), { name, header }]),
    );
    for (const [lower, { name, header }] of declared) {
      const value = exchange.headers[lower];
      if (value === undefined) {
        if (header.required) problems.push(`${where}: required header ${name} is missing`);
        continue;
      }
      const validate = validatorAt(`${base}/headers/${pointer(name)}/schema`);
      if (!validate(value))
        problems.push(
          `${where}: header ${name}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`,
        );
    }
    for (const lower of SPOKEN_HEADERS) {
      if (exchange.headers[lower] !== undefined && !declared.has(lower)) {
        problems.push(`${where}: header ${lower} is sent but not declared for this status`);
      }
    }

    // Body: a declared content type, and a body its schema accepts.
    const contentType = exchange.headers['content-type'];
    const content = answer.content;
    if (!content) {
      if (exchange.body !== '') problems.push(`${where}: a body is sent but none is declared`);
      return problems;
    }
    const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const type = media
      ? Object.keys(content).find((declaredType) => declaredType.toLowerCase() === media)
      : undefined;
    if (!type) {
      problems.push(
        `${where}: content-type ${contentType ?? '(none)'} is not declared (declared: ${Object.keys(content).join(', ')})`,
      );
      return problems;
    }
    if (!content[type]?.schema) return problems;
    let body: unknown = exchange.body;
    if (/json$/.test(type)) {
      try {
        body = JSON.parse(exchange.body);
      } catch {
        problems.push(`${where}: the ${type} body is not JSON`);
        return problems;
      }
    }
    const validate = validatorAt(`${base}/content/${pointer(type)}/schema`);
    if (!validate(body)) {
      problems.push(
        `${where}: body does not match the ${type} schema: ${ajv.errorsText(validate.errors, { separator: '; ' })}`,
      );
    }
    return problems;
  };
}

/** A fetch answer's headers as a record with lower-case names. */
export function headersOf(headers: Headers): Record<string, string> {
  return Object.fromEntries([...headers.entries()].map(([name, value]) => [name.toLowerCase(), value]));
}
