/**
 * Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), as typed
 * clients such as `kubectl create namespace` send them, turned into the JSON object the
 * API would have received. Wire format: apimachinery pkg/runtime/serializer/protobuf.
 */
import { CapstanError, type JsonObject } from '../../../../core/index.js';
import { decodeMessage } from './decode.js';
import { messageFor } from './messages.js';
import { malformed, WireReader, WireType } from './wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

// the message tables are the only typed schema of the built-in kinds the server holds:
// the registry reads their integer widths to refuse what JSON decoding would
export { messageFor, messages } from './messages.js';
export type { Field, Message } from './schema.js';

/** "k8s" then 0, the only encoding style defined: a runtime.Unknown follows. */
const MAGIC = [0x6b, 0x38, 0x73, 0x00];

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/**
 * Decodes a protobuf body into its JSON object, apiVersion and kind first. Throws a
 * CapstanError `PROTOBUF_UNSUPPORTED` for a kind we hold no schema for (the client may
 * send JSON instead) and `PROTOBUF_MALFORMED` for bytes that are not a valid message.
 */
export function decodeKubernetesProtobuf(body: Buffer): JsonObject {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw malformed('it does not start with the k8s\\0 prefix');
  }
  const envelope = readEnvelope(body.subarray(MAGIC.length));
  if (envelope.contentEncoding !== '') {
    throw unsupported(`content encoding ${envelope.contentEncoding} is not supported`);
  }
  if (envelope.contentType !== '' && envelope.contentType !== PROTOBUF_MEDIA_TYPE) {
    throw unsupported(`an embedded ${envelope.contentType} object is not supported`);
  }
  const { apiVersion, kind } = envelope;
  const type = messageFor(apiVersion, kind);
  if (!type) {
    throw unsupported(
      `no protobuf decoding for ${kind || '(no kind)'} in ${apiVersion || '(no apiVersion)'}`,
    );
  }
  return { apiVersion, kind, ...decodeMessage(envelope.raw, type) };
}

function unsupported(message: string): CapstanError {
  return new CapstanError('PROTOBUF_UNSUPPORTED', `${message}: send it as application/json`);
}

/** runtime.Unknown { typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4 }. */
function readEnvelope(bytes: Uint8Array): Envelope {
  const envelope: Envelope = {
    apiVersion: '',
    kind: '',
    raw: new Uint8Array(),
    contentEncoding: '',
    contentType: '',
  };
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (field > 4) {
      reader.skip(wire);
      continue;
    }
    if (wire !== WireType.bytes) throw malformed(`field ${field} of the envelope has wire type ${wire}`);
    const payload = reader.bytes();
    if (field === 1) Object.assign(envelope, readTypeMeta(payload));
    else if (field === 2) envelope.raw = payload;
    else if (field === 3) envelope.contentEncoding = text(payload);
    else envelope.contentType = text(payload);
  }
  return envelope;
}

function readTypeMeta(bytes: Uint8Array): { apiVersion: string; kind: string } {
  const typeMeta = { apiVersion: '', kind: '' };
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if ((field === 1 || field === 2) && wire === WireType.bytes) {
      typeMeta[field === 1 ? 'apiVersion' : 'kind'] = text(reader.bytes());
    } else reader.skip(wire);
  }
  return typeMeta;
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}
