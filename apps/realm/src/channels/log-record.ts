import { crc32 } from "node:zlib";

/**
 * A channel log is a sequence of records: a 4-byte big-endian body length, a 4-byte big-endian
 * CRC32 of the body, then the body: the event frame's JSON, exactly as sent to subscribers.
 * The first 4 bytes double as the nsp frame header, so catch-up sends records without
 * re-encoding them. Record n (from 0) holds sequence number n + 1.
 */
export const RECORD_HEADER_BYTES = 8;

/** Encodes an event frame body as a log record. */
export function encodeRecord(body: string): Buffer {
  const length = Buffer.byteLength(body);
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + length);
  record.write(body, RECORD_HEADER_BYTES, "utf8");
  record.writeUInt32BE(length, 0);
  record.writeUInt32BE(crc32(record.subarray(RECORD_HEADER_BYTES)), 4);
  return record;
}

/**
 * Encodes an event frame as a log record without re-serializing its payload: `data` is
 * already-validated base64 (the publish frame's schema checks it), so it needs no JSON
 * escaping and is copied into the record as ASCII between `prefix` and `suffix`.
 */
export function encodeEventRecord(prefix: string, data: string, suffix: string): Buffer {
  const prefixBytes = Buffer.byteLength(prefix);
  const suffixBytes = Buffer.byteLength(suffix);
  const length = prefixBytes + data.length + suffixBytes;
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + length);
  let at = RECORD_HEADER_BYTES;
  at += record.write(prefix, at, "utf8");
  at += record.write(data, at, "latin1");
  record.write(suffix, at, "utf8");
  record.writeUInt32BE(length, 0);
  record.writeUInt32BE(crc32(record.subarray(RECORD_HEADER_BYTES)), 4);
  return record;
}

/** The body (event frame JSON) of a record. */
export function recordBody(record: Buffer): Buffer {
  return record.subarray(RECORD_HEADER_BYTES);
}

/**
 * Calls `onRecord` for each whole record at the start of `chunk` and returns how many bytes
 * they span; a partial record at the end is left for the next read.
 */
export function splitRecords(chunk: Buffer, onRecord: (record: Buffer) => void): number {
  let position = 0;
  while (position + RECORD_HEADER_BYTES <= chunk.length) {
    const end = position + RECORD_HEADER_BYTES + chunk.readUInt32BE(position);
    if (end > chunk.length) break;
    onRecord(chunk.subarray(position, end));
    position = end;
  }
  return position;
}
