// Record framing shared by the journal and the snapshot files:
//
//   offset 0  magic    4 bytes  "VRJ1"
//   offset 4  length   u32 LE   payload length in bytes
//   offset 8  crc32    u32 LE   CRC-32 of the length field followed by the payload
//   offset 12 payload  length bytes: one flags byte (bit 0: contains tagged values: Dates, binary), then UTF-8 JSON
//
// The checksum makes a half-written or damaged record detectable; the magic lets a reader look for
// later intact records to tell a torn tail (nothing valid follows) from damage in the middle.
import { crc32 } from "node:zlib";
import { decodeJson, encodeJson } from "./codec.ts";

const MAGIC = Buffer.from("VRJ1", "latin1");
const HEADER = 12;
/** Larger payloads are treated as a damaged length field. */
const MAX_PAYLOAD = 512 * 1024 * 1024;
const FLAG_TAGGED = 1;

export function encodeRecord(value: unknown, hasTagged: boolean): Buffer {
  return frameJson(encodeJson(value, hasTagged), hasTagged);
}

/**
 * Frames a payload given as pieces (strings are written as UTF-8), in one buffer; `ranges[i]` is where piece i
 * landed in it, so that callers can keep slices of it (see doc-bytes.ts).
 */
export function framePieces(
  pieces: readonly (string | Buffer)[],
  hasTagged: boolean,
): { frame: Buffer; ranges: [number, number][] } {
  let payloadLength = 1;
  const lengths = pieces.map((piece) => (typeof piece === "string" ? Buffer.byteLength(piece) : piece.length));
  for (const length of lengths) payloadLength += length;
  // Not from Node's shared pool: slices of this buffer may be kept for long, and would keep a whole pool slab.
  const frame = Buffer.allocUnsafeSlow(HEADER + payloadLength);
  MAGIC.copy(frame, 0);
  frame.writeUInt32LE(payloadLength, 4);
  frame[HEADER] = hasTagged ? FLAG_TAGGED : 0;
  const ranges: [number, number][] = [];
  let at = HEADER + 1;
  pieces.forEach((piece, i) => {
    const end = at + (lengths[i] as number);
    if (typeof piece === "string") frame.write(piece, at, "utf8");
    else piece.copy(frame, at);
    ranges.push([at, end]);
    at = end;
  });
  frame.writeUInt32LE(crc32(frame.subarray(HEADER, HEADER + payloadLength), crc32(frame.subarray(4, 8))), 8);
  return { frame, ranges };
}

/**
 * The header of a record whose payload is `pieces` (written after it as they are, e.g. with writev): the flags
 * byte is part of the header buffer returned.
 */
export function frameHeader(pieces: readonly Buffer[], hasTagged: boolean): Buffer {
  const flags = Buffer.from([hasTagged ? FLAG_TAGGED : 0]);
  let payloadLength = 1;
  for (const piece of pieces) payloadLength += piece.length;
  const header = Buffer.allocUnsafe(HEADER + 1);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(payloadLength, 4);
  header[HEADER] = flags[0] as number;
  let crc = crc32(flags, crc32(header.subarray(4, 8)));
  for (const piece of pieces) crc = crc32(piece, crc);
  header.writeUInt32LE(crc, 8);
  return header;
}

function frameJson(json: string, hasTagged: boolean): Buffer {
  const payloadLength = 1 + Buffer.byteLength(json);
  const buf = Buffer.allocUnsafe(HEADER + payloadLength);
  MAGIC.copy(buf, 0);
  buf.writeUInt32LE(payloadLength, 4);
  buf[HEADER] = hasTagged ? FLAG_TAGGED : 0;
  buf.write(json, HEADER + 1, "utf8");
  buf.writeUInt32LE(crc32(buf.subarray(HEADER, HEADER + payloadLength), crc32(buf.subarray(4, 8))), 8);
  return buf;
}

export interface FramedRecord {
  offset: number;
  end: number;
  payload: Buffer;
}

/** The record at `offset` if it is complete and intact, otherwise a reason it is not. */
export function readRecordAt(buf: Buffer, offset: number): FramedRecord | string {
  if (buf.length - offset < HEADER) return "incomplete header";
  if (buf.compare(MAGIC, 0, 4, offset, offset + 4) !== 0) return "bad magic";
  const length = buf.readUInt32LE(offset + 4);
  if (length < 1 || length > MAX_PAYLOAD) return `implausible length ${length}`;
  const end = offset + HEADER + length;
  if (end > buf.length) return "incomplete payload";
  const payload = buf.subarray(offset + HEADER, end);
  const expected = buf.readUInt32LE(offset + 8);
  if (crc32(payload, crc32(buf.subarray(offset + 4, offset + 8))) !== expected) return "checksum mismatch";
  return { offset, end, payload };
}

export function decodePayload(payload: Buffer): unknown {
  const flags = payload[0] ?? 0;
  return decodeJson(payload.toString("utf8", 1), (flags & FLAG_TAGGED) !== 0);
}

/** Offset of the first intact record starting after `from`, or -1. */
export function findNextIntactRecord(buf: Buffer, from: number): number {
  let at = buf.indexOf(MAGIC, from + 1);
  while (at !== -1) {
    if (typeof readRecordAt(buf, at) !== "string") return at;
    at = buf.indexOf(MAGIC, at + 1);
  }
  return -1;
}

export interface ScanResult {
  records: FramedRecord[];
  /** Bytes covered by intact records; equals buf.length unless the tail is torn. */
  validLength: number;
  /** Set when the bytes after `validLength` are a torn (incomplete or damaged) last record. */
  tornTail: string | null;
}

export class FramingError extends Error {
  readonly offset: number;
  constructor(offset: number, reason: string) {
    super(`damaged record at byte ${offset} (${reason}) followed by intact records`);
    this.offset = offset;
  }
}

/**
 * Splits a file into records. A bad record with no intact record after it is a torn tail (reported,
 * not thrown); a bad record followed by an intact one is damage in the middle and throws FramingError.
 */
export function scanRecords(buf: Buffer): ScanResult {
  const records: FramedRecord[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const record = readRecordAt(buf, offset);
    if (typeof record === "string") {
      if (findNextIntactRecord(buf, offset) !== -1) throw new FramingError(offset, record);
      return { records, validLength: offset, tornTail: record };
    }
    records.push(record);
    offset = record.end;
  }
  return { records, validLength: offset, tornTail: null };
}
