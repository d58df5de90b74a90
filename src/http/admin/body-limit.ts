// A byte cap for bodies read as streams (CSV import), where express's body
// parsers are not involved: declared lengths are refused before reading, and
// chunked bodies are cut off as soon as they pass the cap.
import { Transform } from 'node:stream';
import type { Request } from 'express';
import { AppError, ERROR_CODES } from '../errors.js';

const tooLarge = (maxBytes: number) =>
  new AppError(ERROR_CODES.tooLarge, 413, `Request body is larger than the ${maxBytes}-byte limit`, { maxBytes });

export function limitedBody(req: Request, maxBytes: number): Transform {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  let seen = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(tooLarge(maxBytes));
      else callback(null, chunk);
    },
  });
  req.on('error', (error) => limiter.destroy(error));
  req.on('aborted', () => limiter.destroy(new AppError(ERROR_CODES.badRequest, 400, 'Upload aborted')));
  return req.pipe(limiter);
}
