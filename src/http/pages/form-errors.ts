// Validation failures as per-field messages, for re-rendering a form.
import { ZodError } from 'zod';
import { UnknownListsError } from '../../subscriptions/save-subscriber.js';

export type FieldErrors = Record<string, string>;

export function isInputError(error: unknown): error is ZodError | UnknownListsError {
  return error instanceof ZodError || error instanceof UnknownListsError;
}

export function fieldErrors(error: ZodError | UnknownListsError): FieldErrors {
  if (error instanceof UnknownListsError) {
    return { lists: `No such list: ${error.slugs.join(', ')}` };
  }
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return errors;
}

/** One line for JSON clients and the page's error summary. */
export function summariseErrors(errors: FieldErrors, labels: Record<string, string>): string {
  return Object.entries(errors)
    .map(([field, message]) => `${labels[field] ?? field}: ${message}`)
    .join('; ');
}
