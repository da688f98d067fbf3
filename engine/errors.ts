/**
 * One error shape for the whole engine (see style anchors: ws's createError, demucs's named failures).
 * Every user-facing failure carries a stable `code`; the CLI prints `message` and exits non-zero,
 * the control server replies `{type: "error", code, message}`. Real-time code never throws: it counts.
 */
export type ErrorCode =
  | 'SS_ERR_BAD_OPTION'
  | 'SS_ERR_FILE_NOT_FOUND'
  | 'SS_ERR_UNREADABLE_AUDIO'
  | 'SS_ERR_UNSUPPORTED_AUDIO'
  | 'SS_ERR_CORRUPT_AUDIO'
  | 'SS_ERR_WRITE_FAILED'
  | 'SS_ERR_UNKNOWN_MODEL'
  | 'SS_ERR_BAD_MODEL'
  | 'SS_ERR_INFERENCE'
  | 'SS_ERR_NO_CUDA'
  | 'SS_ERR_DEVICE'
  | 'SS_ERR_BAD_MESSAGE'
  | 'SS_ERR_MESSAGE_TOO_LARGE'
  | 'SS_ERR_UNAUTHORIZED'
  | 'SS_ERR_UNKNOWN_PRESET'
  | 'SS_ERR_READ_ONLY'
  | 'SS_ERR_BAD_DATASET'
  | 'SS_ERR_INTERNAL';

export class StemstreamError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StemstreamError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isStemstreamError(e: unknown): e is StemstreamError {
  return e instanceof StemstreamError;
}

/** Human text of any thrown value, without a stack. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
