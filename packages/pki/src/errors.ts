/**
 * The error vocabulary of @conclave/pki. Every failure the package reports is a PkiError
 * subclass with a stable `code`, so the manager can map it to an HTTP answer and the console
 * can tell the operator what to do next. Messages never contain passwords or key material.
 */
export class PkiError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The store password or a key password is wrong, or the file was altered after it was written. */
export class KeystorePasswordError extends PkiError {
  /** Which password failed: the store's integrity password or a private key's password. */
  readonly which: "store" | "key";
  readonly alias: string | undefined;
  constructor(message: string, which: "store" | "key" = "store", alias?: string) {
    super("keystore-password", message);
    this.which = which;
    this.alias = alias;
  }
}

/** The bytes are not a keystore, certificate or key in any supported format. */
export class NotAKeystoreError extends PkiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("not-a-keystore", message, options);
  }
}

/** The file ends before its structure does, typically an interrupted upload or copy. */
export class TruncatedKeystoreError extends PkiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("truncated-keystore", message, options);
  }
}

/** The file is recognisably a keystore but its contents are damaged or inconsistent. */
export class MalformedKeystoreError extends PkiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("malformed-keystore", message, options);
  }
}

/** A certificate cannot be parsed (X.509 DER or PEM). */
export class InvalidCertificateError extends PkiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("invalid-certificate", message, options);
  }
}

/** The file uses an algorithm (cipher, key type, MAC) this package does not implement. */
export class UnsupportedAlgorithmError extends PkiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("unsupported-algorithm", message, options);
  }
}

/** No entry has the requested alias; `aliases` lists the ones present. */
export class AliasNotFoundError extends PkiError {
  readonly alias: string;
  readonly aliases: string[];
  constructor(alias: string, aliases: string[]) {
    super(
      "alias-not-found",
      `No entry with alias "${alias}". ${
        aliases.length === 0
          ? "The keystore is empty."
          : `Aliases present: ${[...aliases]
              .sort()
              .map((a) => `"${a}"`)
              .join(", ")}.`
      }`,
    );
    this.alias = alias;
    this.aliases = aliases;
  }
}

/** An entry with this alias already exists (aliases compare case-insensitively, as in Java). */
export class DuplicateAliasError extends PkiError {
  readonly alias: string;
  constructor(alias: string) {
    super(
      "duplicate-alias",
      `An entry with alias "${alias}" already exists. Choose another alias or delete the existing entry first.`,
    );
    this.alias = alias;
  }
}

/** The input is larger than the size limit and was refused before parsing. */
export class KeystoreTooLargeError extends PkiError {
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(
      "keystore-too-large",
      `The file is ${size} bytes; files over ${limit} bytes are refused. Keystores are normally a few kilobytes — check that the right file was chosen.`,
    );
    this.size = size;
    this.limit = limit;
  }
}

/** A certificate's public key does not belong to the private key it is paired with. */
export class KeyMismatchError extends PkiError {
  constructor(message: string) {
    super("key-mismatch", message);
  }
}

/** A caller-supplied parameter is invalid (bad host name, unknown key size, empty CN …). */
export class InvalidParameterError extends PkiError {
  constructor(message: string) {
    super("invalid-parameter", message);
  }
}

/** A certificate chain does not validate (wrong order, missing issuer, bad signature). */
export class ChainValidationError extends PkiError {
  constructor(message: string) {
    super("chain-validation", message);
  }
}
