// The body of a console CSV import, as a stream, from either form of upload:
// multipart/form-data from the plain HTML form (busboy; the form's fields,
// the CSRF token first, land in req.body before the file starts), or the raw
// file as text/csv from the page's script (its CSRF token in a header). The
// file is never buffered whole: the import reads it as it arrives.
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request, RequestHandler } from 'express';
import { limitedBody } from '../admin/body-limit.js';
import { AppError, ERROR_CODES } from '../errors.js';

export interface Upload {
  stream: Readable;
  /** Whether the page's script sent it (answer with the report alone). */
  fromScript: boolean;
}

export function uploadOf(req: Request): Upload | undefined {
  return (req as Request & { upload?: Upload }).upload;
}

export function importBody(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    const fields: Record<string, string> = {};
    req.body = fields;
    const target = req as Request & { upload?: Upload };
    if (!req.is('multipart/form-data')) {
      try {
        target.upload = { stream: limitedBody(req, maxBytes), fromScript: true };
        // The script's options ride in the query; its CSRF token only in the header.
        for (const name of ['status', 'existing'])
          if (typeof req.query[name] === 'string') fields[name] = req.query[name];
        next();
      } catch (error) {
        next(error);
      }
      return;
    }
    let handedOn = false;
    const handOn = (error?: unknown) => {
      if (handedOn) return;
      handedOn = true;
      next(error);
    };
    const parser = busboy({
      headers: req.headers,
      limits: { files: 1, fields: 20, fieldSize: 1024, fileSize: maxBytes },
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, stream) => {
      stream.on('limit', () =>
        stream.destroy(new AppError(ERROR_CODES.tooLarge, 413, `The file is larger than the ${maxBytes}-byte limit`)),
      );
      target.upload = { stream, fromScript: false };
      handOn();
    });
    parser.on('close', () => handOn());
    parser.on('error', (error) =>
      handOn(new AppError(ERROR_CODES.badRequest, 400, `Unreadable upload: ${(error as Error).message}`)),
    );
    req.pipe(parser);
  };
}
