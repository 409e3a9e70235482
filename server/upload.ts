import type { Request, RequestHandler, Response } from 'express';
import { ValidationError } from '../core/errors.ts';

/**
 * How a file travels to a draft: its bytes are the whole request body, its name is in the query
 * (`POST /api/drafts/7/attachments?name=invoice.pdf`) and its type is the Content-Type, as GitHub takes
 * release assets. The page sends a dropped or chosen File with one fetch, just as `curl --data-binary`
 * does, and the server counts the bytes as they stream in and stops at the limit: no multipart parser
 * (nor a dependency for one) between the socket and the limit, and a name in any script travels plainly
 * percent-encoded, which a header could not carry. There is no fallback without JavaScript: a file
 * input posting a form would need that multipart parser, and the API takes files from any client.
 */
const UPLOAD_PATH = /^\/api\/drafts\/[^/]+\/attachments\/?$/;

export const isUpload = (req: Request): boolean => req.method === 'POST' && UPLOAD_PATH.test(req.path);

/** The app's body parsers, kept off uploads: a file declared as JSON or as a form is bytes to store, not fields to parse. */
export const exceptUploads =
  (parser: RequestHandler): RequestHandler =>
  (req, res, next) =>
    isUpload(req) ? next() : parser(req, res, next);

/**
 * The request body, at most `room` bytes. A larger declared Content-Length is refused before a byte is
 * read; a body that runs past `room` anyway (sent chunked, or lying) is refused as soon as it does. Either
 * way the connection closes after the answer, so the rest of the file is never read, let alone buffered.
 */
export function readUpload(req: Request, res: Response, room: number, tooLarge: (declaredSize: number | null) => Error): Promise<Buffer> {
  const encoding = req.get('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') throw new ValidationError('Send the file as it is, without a Content-Encoding.', 'content-encoding');
  const declared = req.get('content-length');
  if (declared !== undefined && Number(declared) > room) {
    res.set('Connection', 'close');
    throw tooLarge(Number(declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (err: Error | null) => {
      req.off('data', onData).off('end', onEnd).off('error', stop).off('close', onClose);
      if (!err) return resolve(Buffer.concat(chunks, size));
      req.pause();
      res.set('Connection', 'close');
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > room) stop(tooLarge(null));
      else chunks.push(chunk);
    };
    const onEnd = () => stop(null);
    const onClose = () => stop(new ValidationError('The upload was cut off before the whole file arrived.', 'body'));
    req.on('data', onData).on('end', onEnd).on('error', stop).on('close', onClose);
  });
}
