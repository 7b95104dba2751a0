import {
  AliasNotFoundError,
  ChainValidationError,
  DuplicateAliasError,
  InvalidCertificateError,
  InvalidParameterError,
  KeyMismatchError,
  KeystorePasswordError,
  KeystoreTooLargeError,
  MalformedKeystoreError,
  NotAKeystoreError,
  PkiError,
  TruncatedKeystoreError,
  UnsupportedAlgorithmError,
} from "@conclave/pki";
import {
  ConflictError,
  HttpError,
  InputError,
  NotFoundError,
  UnavailableError,
} from "../../http/errors.js";
import { SecretOpenError } from "../../store/secrets.js";

/** What every wrong-password answer says; it never names or echoes the password. */
export const WRONG_KEYSTORE_PASSWORD = "The keystore password is wrong";

/**
 * Turns @conclave/pki's typed errors (and a sealed secret that does not open) into HTTP
 * answers whose message tells the operator what to do next. pki messages name files, aliases
 * and algorithms, never passwords or key material, so they are passed on. Anything else is
 * returned unchanged for the error handler (500).
 */
export function toHttpError(error: unknown): unknown {
  if (error instanceof HttpError || !(error instanceof Error)) return error;
  if (error instanceof SecretOpenError) {
    return new UnavailableError(
      "A stored secret cannot be decrypted: the manager runs with another master key than the one that sealed it",
    );
  }
  if (!(error instanceof PkiError)) return error;
  if (error instanceof KeystorePasswordError) {
    const message =
      error.which === "key"
        ? `${error.message} Send the private key password as keyPassword when it differs from the keystore password.`
        : `${WRONG_KEYSTORE_PASSWORD} (or the file was altered after it was saved). Enter the password the keystore was saved with.`;
    return new HttpError(422, "keystore_password", message);
  }
  if (error instanceof AliasNotFoundError) return new NotFoundError(error.message);
  if (error instanceof DuplicateAliasError) return new ConflictError(error.message);
  if (error instanceof KeystoreTooLargeError) {
    return new HttpError(413, "payload_too_large", error.message);
  }
  if (error instanceof NotAKeystoreError) {
    return new HttpError(415, "not_a_keystore", error.message);
  }
  if (error instanceof TruncatedKeystoreError) {
    return new HttpError(
      422,
      "truncated_keystore",
      `The keystore is truncated: ${error.message} Upload or copy the whole file again.`,
    );
  }
  if (error instanceof MalformedKeystoreError) {
    return new HttpError(422, "malformed_keystore", error.message);
  }
  if (error instanceof InvalidCertificateError || error instanceof ChainValidationError) {
    return new HttpError(422, "invalid_certificate", error.message);
  }
  if (error instanceof UnsupportedAlgorithmError) {
    return new HttpError(422, "unsupported_algorithm", error.message);
  }
  if (error instanceof KeyMismatchError) return new HttpError(422, "key_mismatch", error.message);
  if (error instanceof InvalidParameterError) return new InputError(error.message);
  return new HttpError(422, "malformed_keystore", error.message);
}

/** Runs `fn`, answering pki errors as HTTP errors (see toHttpError). */
export async function withPkiErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toHttpError(error);
  }
}
