// The base of every text field a reader or an admin sends.
import { z } from 'zod';

const CONTROL = /[\u0000-\u001f\u007f]/;
const MARKUP = /[<>]/;

/** A string without control characters or markup, with a length cap. */
export function plainText(max: number) {
  return z
    .string({ error: 'Must be text' })
    .max(max, { error: `Must be at most ${max} characters` })
    .refine((value) => !CONTROL.test(value), { error: 'Must not contain line breaks or control characters' })
    .refine((value) => !MARKUP.test(value), { error: 'Must not contain < or >' });
}
