/**
 * Magento's REST error bodies (framework/Webapi/ErrorProcessor + Rest/Response::_renderMessages):
 * `message` keeps its %placeholders, `parameters` is an object for %name or an array for %1.
 */
export interface MagentoErrorBody {
  message: string;
  parameters?: Record<string, unknown> | unknown[];
  errors?: Array<{ message: string; parameters?: Record<string, unknown> | unknown[] }>;
  code?: number;
}

export class MagentoHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: MagentoErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'MagentoHttpError';
  }
}

export const routeNotFound = (): MagentoHttpError => new MagentoHttpError(404, { message: 'Request does not match any route.' });

export const aclDenied = (resource: string): MagentoHttpError =>
  new MagentoHttpError(401, { message: "The consumer isn't authorized to access %resources.", parameters: { resources: resource } });

export const fieldRequired = (fieldName: string): MagentoHttpError =>
  new MagentoHttpError(400, { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName } });

export const entityNotFound = (): MagentoHttpError =>
  new MagentoHttpError(404, { message: "The entity that was requested doesn't exist. Verify the entity and try again." });

export const productNotFound = (): MagentoHttpError =>
  new MagentoHttpError(404, { message: "The product that was requested doesn't exist. Verify the product and try again." });

export const noSuchEntityField = (fieldName: string, fieldValue: unknown): MagentoHttpError =>
  new MagentoHttpError(404, { message: 'No such entity with %fieldName = %fieldValue', parameters: { fieldName, fieldValue } });

export const badRequest = (message: string, parameters?: Record<string, unknown> | unknown[]): MagentoHttpError =>
  new MagentoHttpError(400, parameters === undefined ? { message } : { message, parameters });

/** Production-mode 500: the detail only goes to Magento's log, the client sees a report id. */
export function internalError(): MagentoHttpError {
  const reportId = `webapi-${Math.random().toString(16).slice(2, 15)}`;
  return new MagentoHttpError(500, { message: `Internal Error. Details are available in Magento log file. Report ID: ${reportId}` });
}

/** Several input errors at once: Magento puts the first on top and lists all under `errors`. */
export function aggregatedInputErrors(errors: MagentoHttpError[]): MagentoHttpError {
  if (errors.length === 1) return errors[0] as MagentoHttpError;
  return new MagentoHttpError(400, {
    message: 'One or more input exceptions have occurred.',
    errors: errors.map((e) => ({ message: e.body.message, ...(e.body.parameters ? { parameters: e.body.parameters } : {}) })),
  });
}
