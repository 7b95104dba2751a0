import { MalformedKeystoreError, TruncatedKeystoreError } from "./errors.js";

/**
 * A small DER reader and writer. node-forge's ASN.1 works on binary strings and its PKCS#12
 * code only carries RSA keys, so the keystore codecs read and write ASN.1 through this module
 * with Buffers. The reader also accepts BER indefinite lengths, which some PKCS#12 producers
 * still emit, and bounds nesting depth so hostile input cannot exhaust the stack.
 */

export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

/** ASN.1 tag classes as they appear in the top two bits of the identifier octet. */
export const CLASS = { UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const;

export interface DerNode {
  cls: number;
  tag: number;
  constructed: boolean;
  /** Content octets (for indefinite lengths: the content without the end-of-contents). */
  content: Buffer;
  /** The whole element, identifier and length included. */
  raw: Buffer;
  /** Whether the element used a BER indefinite length. */
  indefinite: boolean;
}

const MAX_DEPTH = 64;

function truncated(): never {
  throw new TruncatedKeystoreError("The data ends in the middle of an ASN.1 element.");
}

function malformed(what: string): never {
  throw new MalformedKeystoreError(`The ASN.1 structure is damaged (${what}).`);
}

/** Reads one element at `offset`; returns it and the offset after it. */
export function readElement(
  buf: Buffer,
  offset: number,
  depth = 0,
): { node: DerNode; end: number } {
  if (depth > MAX_DEPTH) malformed("nested too deeply");
  if (offset >= buf.length) truncated();
  const id = buf[offset]!;
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  let pos = offset + 1;
  if (tag === 0x1f) {
    // High tag numbers: base-128. Nothing in our formats uses them, but parse them correctly.
    tag = 0;
    for (let i = 0; ; i++) {
      if (pos >= buf.length) truncated();
      if (i > 3) malformed("tag number too large");
      const b = buf[pos++]!;
      tag = (tag << 7) | (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= buf.length) truncated();
  const first = buf[pos++]!;
  if (first === 0x80) {
    if (!constructed) malformed("indefinite length on a primitive element");
    const start = pos;
    let p = pos;
    for (;;) {
      if (p + 2 > buf.length) truncated();
      if (buf[p] === 0 && buf[p + 1] === 0) break;
      p = readElement(buf, p, depth + 1).end;
    }
    return {
      node: {
        cls,
        tag,
        constructed,
        content: buf.subarray(start, p),
        raw: buf.subarray(offset, p + 2),
        indefinite: true,
      },
      end: p + 2,
    };
  }
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4) malformed("length field too long");
    if (pos + n > buf.length) truncated();
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++]!;
  }
  if (pos + length > buf.length) truncated();
  return {
    node: {
      cls,
      tag,
      constructed,
      content: buf.subarray(pos, pos + length),
      raw: buf.subarray(offset, pos + length),
      indefinite: false,
    },
    end: pos + length,
  };
}

/** Parses a buffer holding exactly one element (trailing bytes are refused). */
export function parseDer(buf: Buffer): DerNode {
  const { node, end } = readElement(buf, 0);
  if (end !== buf.length) malformed("unexpected bytes after the end of the structure");
  return node;
}

/** The child elements of a constructed element. */
export function children(node: DerNode): DerNode[] {
  if (!node.constructed) malformed("expected a constructed element");
  const out: DerNode[] = [];
  let pos = 0;
  while (pos < node.content.length) {
    const { node: child, end } = readElement(node.content, pos, 1);
    out.push(child);
    pos = end;
  }
  return out;
}

function isUniversal(node: DerNode, tag: number): boolean {
  return node.cls === CLASS.UNIVERSAL && node.tag === tag;
}

/** Children of a SEQUENCE, checking the tag and a minimum count. */
export function seq(node: DerNode | undefined, min = 0, what = "SEQUENCE"): DerNode[] {
  if (!node || !isUniversal(node, TAG.SEQUENCE)) malformed(`expected ${what}`);
  const c = children(node);
  if (c.length < min) malformed(`${what} has too few elements`);
  return c;
}

/** Children of a SET. */
export function set(node: DerNode | undefined, what = "SET"): DerNode[] {
  if (!node || !isUniversal(node, TAG.SET)) malformed(`expected ${what}`);
  return children(node);
}

export function expect(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || !isUniversal(node, tag)) malformed(`expected ${what}`);
  return node;
}

/** Whether `node` is the context-specific element [n]. */
export function isContext(node: DerNode | undefined, n: number): node is DerNode {
  return node !== undefined && node.cls === CLASS.CONTEXT && node.tag === n;
}

/** The single child of an EXPLICIT context tag [n]. */
export function explicit(node: DerNode | undefined, n: number, what: string): DerNode {
  if (!isContext(node, n) || !node.constructed) malformed(`expected [${n}] ${what}`);
  const c = children(node);
  if (c.length !== 1) malformed(`[${n}] ${what} must hold one element`);
  return c[0]!;
}

/** OCTET STRING content, joining BER constructed segments. */
export function octets(node: DerNode | undefined, what = "OCTET STRING"): Buffer {
  if (!node || node.tag !== TAG.OCTET_STRING || node.cls !== CLASS.UNIVERSAL) {
    // Implicitly tagged octet strings ([0] IMPLICIT OCTET STRING) are handled by the caller.
    malformed(`expected ${what}`);
  }
  return octetContent(node);
}

/** Content of a (possibly constructed) string element regardless of its tag. */
export function octetContent(node: DerNode): Buffer {
  if (!node.constructed) return node.content;
  return Buffer.concat(children(node).map((c) => octetContent(c)));
}

export function oid(node: DerNode | undefined, what = "OBJECT IDENTIFIER"): string {
  const n = expect(node, TAG.OID, what);
  const b = n.content;
  if (b.length === 0) malformed("empty OBJECT IDENTIFIER");
  const parts: number[] = [];
  let value = 0;
  for (let i = 0; i < b.length; i++) {
    const byte = b[i]!;
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 256) malformed("OBJECT IDENTIFIER arc too large");
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else parts.push(value);
      value = 0;
    } else if (i === b.length - 1) malformed("unterminated OBJECT IDENTIFIER");
  }
  return parts.join(".");
}

/** INTEGER as a bigint (two's complement). */
export function integer(node: DerNode | undefined, what = "INTEGER"): bigint {
  const n = expect(node, TAG.INTEGER, what);
  if (n.content.length === 0) malformed(`empty ${what}`);
  if (n.content.length > 64) malformed(`${what} too large`);
  let v = BigInt(`0x${n.content.toString("hex")}`);
  if (n.content[0]! & 0x80) v -= 1n << BigInt(n.content.length * 8);
  return v;
}

/** A small non-negative INTEGER (iteration counts, versions). */
export function smallInt(node: DerNode | undefined, what = "INTEGER"): number {
  const v = integer(node, what);
  if (v < 0n || v > 0x7fffffffn) malformed(`${what} out of range`);
  return Number(v);
}

export function bitString(node: DerNode | undefined, what = "BIT STRING"): Buffer {
  const n = expect(node, TAG.BIT_STRING, what);
  if (n.content.length === 0) malformed(`empty ${what}`);
  return n.content.subarray(1);
}

/** Decodes the string types used in names and attributes. */
export function stringValue(node: DerNode): string {
  const c = node.content;
  switch (node.tag) {
    case TAG.BMP_STRING: {
      const swapped = Buffer.from(c.subarray(0, c.length - (c.length % 2)));
      swapped.swap16();
      return swapped.toString("utf16le");
    }
    case TAG.UNIVERSAL_STRING: {
      let s = "";
      for (let i = 0; i + 4 <= c.length; i += 4) {
        const cp = c.readUInt32BE(i);
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : "\ufffd";
      }
      return s;
    }
    case TAG.T61_STRING:
      return c.toString("latin1");
    default:
      return c.toString("utf8");
  }
}

export function time(node: DerNode | undefined, what = "time"): Date {
  if (!node || node.cls !== CLASS.UNIVERSAL) malformed(`expected ${what}`);
  const s = node.content.toString("latin1");
  let m: RegExpMatchArray | null;
  let year: number;
  let rest: string;
  if (node.tag === TAG.UTC_TIME) {
    m = /^(\d{2})(\d{10}(?:\d{2})?)Z$/.exec(s);
    if (!m) malformed(`bad UTCTime in ${what}`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = m[2]!;
  } else if (node.tag === TAG.GENERALIZED_TIME) {
    m = /^(\d{4})(\d{10})(?:\.\d+)?Z$/.exec(s);
    if (!m) malformed(`bad GeneralizedTime in ${what}`);
    year = Number(m[1]);
    rest = m[2]!;
  } else malformed(`expected ${what}`);
  const num = (i: number) => Number(rest.slice(i, i + 2));
  return new Date(Date.UTC(year, num(0) - 1, num(2), num(4), num(6), rest.length > 8 ? num(8) : 0));
}

// ---------------------------------------------------------------------------------------
// Writer

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes one element from its identifier octet and content. */
export function tlv(identifier: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([identifier]), encodeLength(content.length), content]);
}

export const enc = {
  sequence: (...items: Buffer[]) => tlv(0x30, Buffer.concat(items)),
  /** SET OF: DER requires the encodings sorted. */
  set: (...items: Buffer[]) => tlv(0x31, Buffer.concat([...items].sort(Buffer.compare))),
  integer(value: bigint | number | Buffer): Buffer {
    if (Buffer.isBuffer(value)) {
      // Unsigned magnitude: strip leading zeros, then add one if the top bit is set.
      let i = 0;
      while (i < value.length - 1 && value[i] === 0) i++;
      let v = value.subarray(i);
      if (v.length === 0) v = Buffer.from([0]);
      if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
      return tlv(0x02, v);
    }
    const v = BigInt(value);
    if (v < 0n) throw new RangeError("negative INTEGER not supported");
    let hex = v.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let b = Buffer.from(hex, "hex");
    if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return tlv(0x02, b);
  },
  oid(dotted: string): Buffer {
    const parts = dotted.split(".").map(Number);
    const arcs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)];
    const bytes: number[] = [];
    for (const arc of arcs) {
      const stack = [arc & 0x7f];
      let a = Math.floor(arc / 128);
      while (a > 0) {
        stack.unshift((a & 0x7f) | 0x80);
        a = Math.floor(a / 128);
      }
      bytes.push(...stack);
    }
    return tlv(0x06, Buffer.from(bytes));
  },
  octetString: (b: Buffer) => tlv(0x04, b),
  bitString: (b: Buffer, unusedBits = 0) =>
    tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), b])),
  null: () => Buffer.from([0x05, 0x00]),
  boolean: (b: boolean) => tlv(0x01, Buffer.from([b ? 0xff : 0x00])),
  utf8: (s: string) => tlv(0x0c, Buffer.from(s, "utf8")),
  printable: (s: string) => tlv(0x13, Buffer.from(s, "latin1")),
  ia5: (s: string) => tlv(0x16, Buffer.from(s, "latin1")),
  bmp(s: string): Buffer {
    const b = Buffer.from(s, "utf16le");
    b.swap16();
    return tlv(0x1e, b);
  },
  /** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
  time(d: Date): Buffer {
    const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const year = d.getUTCFullYear();
    if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, "latin1"));
    return tlv(0x18, Buffer.from(`${iso}Z`, "latin1"));
  },
  /** EXPLICIT [n] around one or more elements. */
  explicit: (n: number, ...items: Buffer[]) => tlv(0xa0 | n, Buffer.concat(items)),
  /** IMPLICIT [n] primitive with the given content. */
  implicit: (n: number, content: Buffer) => tlv(0x80 | n, content),
  /** IMPLICIT [n] constructed with the given content. */
  implicitConstructed: (n: number, content: Buffer) => tlv(0xa0 | n, content),
  algorithm: (oidDotted: string, params?: Buffer | null) =>
    enc.sequence(
      enc.oid(oidDotted),
      ...(params === undefined ? [] : [params === null ? enc.null() : params]),
    ),
};
