/** Reading and decoding request bodies, bounded by a size limit. */
import type { IncomingMessage } from 'node:http';
import { isCapstanError, parseYamlDocument, type JsonValue } from '../../../core/index.js';
import { ApiError, badRequest } from '../errors.js';
import type { PatchType } from '../types.js';
import { mediaTypeOf } from './media.js';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from './protobuf/index.js';
import { entityTooLarge, unsupportedMediaType } from './status.js';

/**
 * Reads the whole body. Past `limit` bytes it stops keeping data and throws 413; the rest
 * of the upload is drained, so the client can read the answer instead of seeing a reset.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw entityTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  if (tooLarge) throw entityTooLarge(limit);
  return Buffer.concat(chunks);
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf';

/**
 * Parses a body as JSON, YAML or Kubernetes protobuf; a malformed one is the client's
 * mistake: 400. A protobuf kind we cannot decode is 415, so the client knows to send JSON.
 */
export function decodeBody(body: Buffer, format: BodyFormat): JsonValue {
  if (format === 'protobuf') {
    try {
      return decodeKubernetesProtobuf(body);
    } catch (e) {
      if (!isCapstanError(e)) throw e;
      if (e.code === 'PROTOBUF_UNSUPPORTED') throw new ApiError(415, 'UnsupportedMediaType', e.message);
      throw badRequest(e.message);
    }
  }
  const text = body.toString('utf8');
  if (format === 'json') {
    try {
      return JSON.parse(text) as JsonValue;
    } catch (e) {
      throw badRequest(`the request body is not valid JSON: ${(e as Error).message}`);
    }
  }
  try {
    return parseYamlDocument(text, 'request body');
  } catch (e) {
    if (isCapstanError(e)) throw badRequest(e.message);
    throw e;
  }
}

/** Body media types of create, update and delete (typed clients such as kubectl's send protobuf). */
const objectTypes: Record<string, BodyFormat> = {
  'application/json': 'json',
  'application/yaml': 'yaml',
  [PROTOBUF_MEDIA_TYPE]: 'protobuf',
};

/** The format of an object body (POST, PUT); a missing Content-Type is taken as JSON, like the real server. */
export function objectFormat(contentType: string | undefined): BodyFormat {
  const media = mediaTypeOf(contentType);
  if (media === '') return 'json';
  const format = objectTypes[media];
  if (!format) throw unsupportedMediaType(media, Object.keys(objectTypes));
  return format;
}

/** Patch media types and how their bodies are written. */
const patchTypes: Record<string, { type: PatchType; format: BodyFormat }> = {
  'application/json-patch+json': { type: 'json', format: 'json' },
  'application/merge-patch+json': { type: 'merge', format: 'json' },
  'application/strategic-merge-patch+json': { type: 'strategic', format: 'json' },
  // server-side apply bodies are YAML, which includes the JSON that kubectl sends
  'application/apply-patch+yaml': { type: 'apply', format: 'yaml' },
};

/** The patch type a PATCH request's Content-Type names, or 415. */
export function patchFormat(contentType: string | undefined): { type: PatchType; format: BodyFormat } {
  const media = mediaTypeOf(contentType);
  const found = patchTypes[media];
  if (!found) throw unsupportedMediaType(media, Object.keys(patchTypes));
  return found;
}
