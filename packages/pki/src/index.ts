export type {
  CertificateAuthority,
  CreateCaOptions,
  IssuedSerials,
  SignCsrOptions,
  SignedCertificate,
} from "./ca.js";
export { createIntermediateCa, createRootCa, newSerial, signCsr } from "./ca.js";
export type { CertificateInfo, SubjectAltName } from "./certificate-info.js";
export { describeCertificate } from "./certificate-info.js";
export type {
  Finding,
  HostCoverageOptions,
  TlsEntryCheckOptions,
  TlsRole,
  ValidityOptions,
} from "./checks.js";
export {
  checkChain,
  checkHostCoverage,
  checkKeyMatchesCertificate,
  checkKeyUsage,
  checkStrength,
  checkTlsEntry,
  checkValidity,
} from "./checks.js";
export type {
  CsrInfo,
  CsrOptions,
  DistinguishedName,
  ExtendedKeyUsageName,
  GeneratedKeyPair,
  KeyPairSpec,
} from "./csr.js";
export { createCsr, generateCsr, generateKeyPair, parseSubjectAltName, readCsr } from "./csr.js";
export * from "./errors.js";
export type { JksReadOptions, JksWriteOptions } from "./jks.js";
export { readJks, writeJks } from "./jks.js";
export type {
  KeyStore,
  KeyStoreEntry,
  KeyStoreFormat,
  PrivateKeyEntry,
  TrustedCertificateEntry,
} from "./keystore.js";
export { MAX_KEYSTORE_BYTES } from "./keystore.js";
export type { KeyStoreEntrySummary, WriteKeyStoreOptions } from "./keystore-operations.js";
export {
  addPrivateKeyEntry,
  buildTrustBundle,
  changeKeyPassword,
  changeStorePassword,
  convertKeyStore,
  deleteEntry,
  getEntry,
  importCaReply,
  importTrustedCertificate,
  listEntries,
  parseCertificates,
  reencodePkcs12,
  renameAlias,
  tlsCredentials,
  writeKeyStore,
} from "./keystore-operations.js";
export type { PemReadOptions, PemWriteOptions } from "./pem.js";
export { certificatesToPem, readPem, writePem } from "./pem.js";
export type { Pkcs12Protection, Pkcs12ReadOptions, Pkcs12WriteOptions } from "./pkcs12.js";
export { readPkcs12, writePkcs12 } from "./pkcs12.js";
export type { ReadKeyStoreOptions } from "./read-keystore.js";
export { readKeyStore, sniffKeyStoreFormat } from "./read-keystore.js";
