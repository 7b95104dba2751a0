import { constants, type FileHandle, open } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { RECORD_HEADER_BYTES, splitRecords } from "./log-record.js";

/** What opening a log found. */
export interface LogRecovery {
  /** Bytes cut from the end because they did not form whole, intact records (a torn write). */
  truncatedBytes: number;
}

const SCAN_CHUNK_BYTES = 1024 * 1024;

/**
 * One channel's append-only log file (see log-record.ts). Keeps every record's offset in memory
 * so catch-up reads can start at any sequence number.
 */
export class ChannelLog {
  private offsets: number[];
  private bytes: number;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    offsets: number[],
    bytes: number,
  ) {
    this.offsets = offsets;
    this.bytes = bytes;
  }

  /**
   * Opens (or creates) a log and checks every record's length and CRC. Whatever follows the
   * last intact record — a write torn by a crash — is truncated, so appends continue cleanly.
   */
  static async open(
    file: string,
    maxRecordBytes: number,
  ): Promise<{ log: ChannelLog; recovery: LogRecovery }> {
    const handle = await open(file, constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      const { size } = await handle.stat();
      const offsets: number[] = [];
      const valid = await scan(handle, size, maxRecordBytes, offsets);
      if (valid < size) {
        await handle.truncate(valid);
        await handle.sync();
      }
      return {
        log: new ChannelLog(file, handle, offsets, valid),
        recovery: { truncatedBytes: size - valid },
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Number of records, which is also the last sequence number. */
  get count(): number {
    return this.offsets.length;
  }

  /** Bytes of whole records in the file. */
  get size(): number {
    return this.bytes;
  }

  /** File offset where the record for `seq` starts. */
  offsetOf(seq: number): number {
    return seq > this.offsets.length ? this.bytes : this.offsets[seq - 1]!;
  }

  /**
   * Appends records in one write and, with `sync`, flushes them to disk (fdatasync) before
   * resolving. On failure the file is cut back to its previous end.
   */
  async append(records: Buffer[], sync: boolean): Promise<void> {
    const start = this.bytes;
    try {
      let written = 0;
      let total = 0;
      for (const record of records) total += record.length;
      // writev may write less than asked (e.g. a full disk); loop over the rest.
      let pending = records;
      while (written < total) {
        const { bytesWritten } = await this.handle.writev(pending, start + written);
        if (bytesWritten === 0) throw new Error("write returned 0 bytes");
        written += bytesWritten;
        pending = remaining(records, written);
      }
      if (sync) await this.handle.datasync();
    } catch (error) {
      await this.handle.truncate(start).catch(() => {});
      throw error;
    }
    let offset = start;
    for (const record of records) {
      this.offsets.push(offset);
      offset += record.length;
    }
    this.bytes = offset;
  }

  /**
   * Reads whole records from `fromSeq` up to `toSeq` (inclusive), about `maxBytes` of them
   * (at least one record, however large).
   */
  async readRecords(fromSeq: number, toSeq: number, maxBytes: number): Promise<Buffer[]> {
    const last = Math.min(toSeq, this.offsets.length);
    if (fromSeq > last) return [];
    const start = this.offsetOf(fromSeq);
    const end = this.offsetOf(last + 1);
    const firstRecordEnd = this.offsetOf(fromSeq + 1);
    const length = Math.max(Math.min(end - start, maxBytes), firstRecordEnd - start);
    const chunk = await fill(this.handle, start, length);
    const records: Buffer[] = [];
    splitRecords(chunk, (record) => records.push(record));
    return records;
  }

  /**
   * Cuts the log back so that `seq - 1` is the last record (the cluster log drops an
   * uncommitted tail this way; channel logs never shrink).
   */
  async truncateFrom(seq: number, sync: boolean): Promise<void> {
    if (seq > this.offsets.length) return;
    const end = this.offsetOf(seq);
    await this.handle.truncate(end);
    if (sync) await this.handle.datasync();
    this.offsets.length = seq - 1;
    this.bytes = end;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function remaining(records: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  let left = skip;
  for (const record of records) {
    if (left >= record.length) {
      left -= record.length;
      continue;
    }
    out.push(left > 0 ? record.subarray(left) : record);
    left = 0;
  }
  return out;
}

/** Walks the records from the start; returns the end of the last intact one. */
async function scan(
  handle: FileHandle,
  size: number,
  maxRecordBytes: number,
  offsets: number[],
): Promise<number> {
  let position = 0;
  let buffer: Buffer = Buffer.alloc(0);
  let bufferStart = 0;
  while (position < size) {
    const needHeader = position + RECORD_HEADER_BYTES - bufferStart;
    if (buffer.length < needHeader) {
      if (position + RECORD_HEADER_BYTES > size) return position;
      buffer = await fill(handle, position, Math.max(SCAN_CHUNK_BYTES, RECORD_HEADER_BYTES));
      bufferStart = position;
    }
    const at = position - bufferStart;
    const length = buffer.readUInt32BE(at);
    const end = position + RECORD_HEADER_BYTES + length;
    if (length > maxRecordBytes || end > size) return position;
    if (end - bufferStart > buffer.length) {
      buffer = await fill(handle, position, Math.max(SCAN_CHUNK_BYTES, end - position));
      bufferStart = position;
    }
    const start = position - bufferStart;
    const body = buffer.subarray(start + RECORD_HEADER_BYTES, start + RECORD_HEADER_BYTES + length);
    if (crc32(body) !== buffer.readUInt32BE(start + 4)) return position;
    offsets.push(position);
    position = end;
  }
  return position;
}

async function fill(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
