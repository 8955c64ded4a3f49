// The encoded bytes of each stored document, made once when the document is journaled and reused by every snapshot
// after it: a snapshot then costs copying bytes, not serializing the whole store again (and makes no garbage).
// A document's bytes are a slice of the journal record it was written in, so keeping them costs no copy. Stored
// documents are never mutated (an update swaps in a new object), so the bytes never go stale, and they live exactly
// as long as the document: they hang off it as a hidden property, not in a WeakMap, whose entries (one per document,
// hundreds of thousands) the garbage collector processes as ephemerons on every major collection, which made its
// pauses up to twice as long.
import { containsTagged, encodeJson } from "./codec.ts";
import type { StoredDoc } from "./collection-state.ts";
import { framePieces } from "./framing.ts";

export interface DocBytes {
  bytes: Buffer;
  /** Whether the bytes may hold tagged values, Dates or binary (the record they go into must then revive them). */
  hasTagged: boolean;
}

/** Not enumerable: spreads, `for…in`, `Object.keys` and JSON never see it, so an updated copy never inherits it. */
const BYTES = Symbol("doc bytes");

const encoded = {
  get(doc: StoredDoc): DocBytes | undefined {
    return (doc as unknown as { [BYTES]?: DocBytes })[BYTES];
  },
  set(doc: StoredDoc, entry: DocBytes): void {
    Object.defineProperty(doc, BYTES, { value: entry, enumerable: false, writable: true, configurable: true });
  },
};

/**
 * The bytes of a stored document, encoded now if it has none yet (documents loaded at start). A document without
 * tagged values encodes the same with or without the tagging pass ("$" field names are refused, so no user data looks
 * like a tag).
 */
export function docBytes(doc: StoredDoc): DocBytes {
  let entry = encoded.get(doc);
  if (!entry) {
    const hasTagged = containsTagged(doc);
    entry = { bytes: Buffer.from(encodeJson(doc, hasTagged), "utf8"), hasTagged };
    encoded.set(doc, entry);
  }
  return entry;
}

const COMMA = Buffer.from(",");
const PUT_START = Buffer.from(`,"put":[`);
const CLOSE_ARRAY = Buffer.from("]");
const CLOSE_OBJECT = Buffer.from("}");
const CLOSE_BOTH = Buffer.from("]}");

/**
 * The framed journal record `{"op":"w","c":…,"put":[…],"del":[…]}`, encoding each put document once and keeping its
 * bytes for the snapshots (`hasTagged`: whether any of the documents may contain a Date or binary).
 */
export function encodeWriteRecord(
  collection: string,
  put: readonly StoredDoc[] | undefined,
  del: readonly string[] | undefined,
  hasTagged: boolean,
): Buffer {
  const texts = (put ?? []).map((doc) => encodeJson(doc, hasTagged));
  const pieces: (string | Buffer)[] = [`{"op":"w","c":${JSON.stringify(collection)}`];
  if (texts.length > 0) {
    pieces.push(PUT_START);
    texts.forEach((text, i) => {
      if (i > 0) pieces.push(COMMA);
      pieces.push(text);
    });
    pieces.push(CLOSE_ARRAY);
  }
  if (del && del.length > 0) pieces.push(`,"del":${JSON.stringify(del)}`);
  pieces.push(CLOSE_OBJECT);
  const { frame, ranges } = framePieces(pieces, hasTagged);
  if (put) {
    // Piece i+1 of each document: after the head, PUT_START and the commas before it.
    let piece = 2;
    for (const doc of put) {
      const [start, end] = ranges[piece] as [number, number];
      encoded.set(doc, { bytes: frame.subarray(start, end), hasTagged });
      piece += 2;
    }
  }
  return frame;
}

/**
 * The pieces of the snapshot record `{"op":"docs","c":…,"docs":[…]}` (to be framed by the caller without joining
 * them), and whether any document may contain a Date or binary.
 */
export function docsRecordPieces(
  collection: string,
  docs: readonly StoredDoc[],
): { pieces: Buffer[]; hasTagged: boolean } {
  const pieces: Buffer[] = [Buffer.from(`{"op":"docs","c":${JSON.stringify(collection)},"docs":[`)];
  let hasTagged = false;
  docs.forEach((doc, i) => {
    const entry = docBytes(doc);
    hasTagged ||= entry.hasTagged;
    if (i > 0) pieces.push(COMMA);
    pieces.push(entry.bytes);
  });
  pieces.push(CLOSE_BOTH);
  return { pieces, hasTagged };
}
