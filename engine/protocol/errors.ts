/** Error codes any API call may answer with. Handlers add their own domain codes (e.g. engine reject reasons). */
export type ApiErrorCode = 'BAD_REQUEST' | 'UNKNOWN_METHOD' | 'NOT_READY' | 'INTERNAL' | 'TRANSPORT' | (string & {});

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  /** Field-level problems for BAD_REQUEST: where and what. */
  issues?: { path: string; message: string }[];
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues?: ApiErrorBody['issues'];
  constructor(code: ApiErrorCode, message: string, issues?: ApiErrorBody['issues']) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }
  toBody(): ApiErrorBody {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
  /** The error a reply carried, rebuilt on the calling side (the preload and the web bridge's client throw it). */
  static fromBody(body: ApiErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.issues);
  }
}

export function errorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) return err.toBody();
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
