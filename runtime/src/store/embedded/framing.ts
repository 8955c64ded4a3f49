// Record framing shared by the journal and the snapshot files:
//
//   offset 0  magic    4 bytes  "VRJ1"
//   offset 4  length   u32 LE   payload length in bytes
//   offset 8  crc32    u32 LE   CRC-32 of the length field followed by the payload
//   offset 12 payload  length bytes: one flags byte (bit 0: contains Dates), then UTF-8 JSON
//
// The checksum makes a half-written or damaged record detectable; the magic lets a reader look for
// later intact records to tell a torn tail (nothing valid follows) from damage in the middle.
import { crc32 } from "node:zlib";
import { decodeJson, encodeJson } from "./codec.ts";

const MAGIC = Buffer.from("VRJ1", "latin1");
const HEADER = 12;
/** Larger payloads are treated as a damaged length field. */
const MAX_PAYLOAD = 512 * 1024 * 1024;
const FLAG_DATES = 1;

export function encodeRecord(value: unknown, hasDate: boolean): Buffer {
  const json = encodeJson(value, hasDate);
  const payloadLength = 1 + Buffer.byteLength(json);
  const buf = Buffer.allocUnsafe(HEADER + payloadLength);
  MAGIC.copy(buf, 0);
  buf.writeUInt32LE(payloadLength, 4);
  buf[HEADER] = hasDate ? FLAG_DATES : 0;
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
  return decodeJson(payload.toString("utf8", 1), (flags & FLAG_DATES) !== 0);
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
