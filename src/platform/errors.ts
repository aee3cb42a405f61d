/**
 * One error model for the whole platform. Every failure that reaches a client is an AppError
 * rendered as { "error": { "code", "message" } } with the status from HTTP_STATUS.
 */
export const HTTP_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  invalid_signature: 400,
  unauthorized: 401,
  forbidden: 403,
  blocked: 403,
  not_found: 404,
  conflict: 409,
  illegal_transition: 409,
  out_of_stock: 409,
  idempotency_in_progress: 409,
  idempotency_key_reused: 422,
  invalid_platform_user: 422,
  invalid_rule: 422,
  unprocessable: 422,
  product_unavailable: 422,
  insufficient_funds: 422,
  limit_exceeded: 422,
  transfer_id_reused: 422,
  invalid_code: 401,
  step_up_required: 403,
  account_locked: 423,
  rate_limited: 429,
  internal: 500,
  gateway_unavailable: 503,
  service_unavailable: 503,
  upstream_unavailable: 503,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof HTTP_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
