// Why a whole ingest run failed. A run that throws this stores nothing:
// item-level problems are skipped and reported instead.

export type IngestErrorCode =
  | 'timeout'
  | 'network'
  | 'http_status'
  | 'too_large'
  | 'empty'
  | 'html'
  | 'invalid_json'
  | 'invalid_xml'
  | 'unsafe_xml'
  | 'wrong_shape'
  | 'upstream_error'
  | 'file'
  | 'invalid_input';

export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    /** Worth retrying later (timeouts, network errors, 5xx, 429); the rest fail the same way again. */
    readonly transient = false,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}
