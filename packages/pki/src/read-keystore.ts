import { readElement } from "./der.js";
import {
  MalformedKeystoreError,
  NotAKeystoreError,
  PkiError,
  TruncatedKeystoreError,
} from "./errors.js";
import { readJks } from "./jks.js";
import { checkSize, type KeyStore, type KeyStoreFormat, toBuffer } from "./keystore.js";
import { readPem } from "./pem.js";
import { readPkcs12 } from "./pkcs12.js";

export interface ReadKeyStoreOptions {
  /** Store password (PKCS#12 integrity and encryption, JKS integrity, PEM key password). */
  password?: string;
  /** Private key password when it differs from the store password (JKS, JCEKS, PEM). */
  keyPassword?: string;
  /** Skip sniffing and read this format. */
  format?: KeyStoreFormat;
  /** The uploaded file's name; used for error messages and to name PEM key entries. */
  fileName?: string;
}

/**
 * Recognises a keystore format from its first bytes: JKS and JCEKS by their magic numbers,
 * PEM by its BEGIN line, and a DER SEQUENCE as PKCS#12 (first element an INTEGER) or a bare
 * DER certificate (first element a SEQUENCE, read as "pem").
 */
export function sniffKeyStoreFormat(data: Uint8Array, fileName?: string): KeyStoreFormat {
  const buf = toBuffer(data);
  if (buf.length >= 4) {
    const magic = buf.readUInt32BE(0);
    if (magic === 0xfeedfeed) return "jks";
    if (magic === 0xcececece) return "jceks";
  }
  if (buf[0] === 0x30) {
    try {
      const { node } = readElement(buf, 0);
      const first = node.constructed ? readElement(node.content, 0).node : undefined;
      if (first?.tag === 0x10) return "pem";
    } catch {
      // Damaged DER: fall through and let the PKCS#12 reader report the error.
    }
    return "pkcs12";
  }
  const head = buf.subarray(0, 64 * 1024).toString("latin1");
  if (head.includes("-----BEGIN ")) return "pem";
  if (buf.length < 4 && buf.length > 0 && (buf[0] === 0xfe || buf[0] === 0xce)) {
    throw new TruncatedKeystoreError("The keystore is cut short (under 4 bytes).");
  }
  throw new NotAKeystoreError(
    `${fileName ? `"${fileName}"` : "The file"} is not a keystore: expected PKCS#12 (.p12/.pfx), JKS, JCEKS or PEM.`,
  );
}

/**
 * Reads a keystore or truststore in any supported format into the common model.
 * The format is sniffed from the bytes when `options.format` is absent. Inputs over 10 MiB
 * are refused before parsing. Every failure is a PkiError subclass.
 */
export function readKeyStore(data: Uint8Array, options: ReadKeyStoreOptions = {}): KeyStore {
  checkSize(data);
  if (data.byteLength === 0) {
    throw new NotAKeystoreError(
      `${options.fileName ? `"${options.fileName}"` : "The file"} is empty.`,
    );
  }
  try {
    const format = options.format ?? sniffKeyStoreFormat(data, options.fileName);
    switch (format) {
      case "pkcs12": {
        const { entries } = readPkcs12(data, { password: options.password });
        return { format, entries };
      }
      case "jks":
      case "jceks":
        return readJks(data, { password: options.password, keyPassword: options.keyPassword });
      case "pem":
        return readPem(data, options);
    }
  } catch (err) {
    if (err instanceof PkiError) throw err;
    // Last line of defence: a parser slipped on input it did not foresee. Report it as a
    // damaged file rather than leaking an untyped error (and never its message, which
    // could echo bytes of the input).
    throw new MalformedKeystoreError(
      `${options.fileName ? `"${options.fileName}"` : "The keystore"} is damaged and cannot be read.`,
      { cause: err },
    );
  }
}
