import {
  ChangeKeystorePasswordRequestSchema,
  CreateKeystoreRequestSchema,
  CsrSchema,
  GeneratedKeyPairSchema,
  GenerateKeyPairRequestSchema,
  ImportCaReplyRequestSchema,
  ImportTrustedCertificateRequestSchema,
  KeystoreChecksQuerySchema,
  KeystoreChecksSchema,
  KeystoreDownloadQuerySchema,
  KeystoreDownloadRequestSchema,
  KeystoreEntryListSchema,
  KeystoreEntryParamsSchema,
  KeystoreEntrySchema,
  KeystoreIdParamsSchema,
  KeystoreListSchema,
  KeystoreSchema,
  RenameEntryRequestSchema,
  UploadKeystoreFieldsSchema,
} from "@conclave/protocol";
import { type Response, Router } from "express";
import type { AuthContext } from "../../http/auth.js";
import { InputError, UnavailableError } from "../../http/errors.js";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import { parseInput } from "../../http/validate.js";
import type { Db } from "../../store/db.js";
import type { SecretBox } from "../../store/secrets.js";
import { type ChangeContext, type KeystoreFile, KeystoresService } from "./keystores.service.js";
import { bodyKind, readJsonBody, readMultipart } from "./read-upload.js";
import { withPkiErrors } from "./to-http-error.js";

const tag = "keystores";

const FILE_ERRORS = [404, 409, 413, 415, 422] as const;

/** Keystores and truststores: viewers read, operators and admins change and download. */
export const keystoresRoutes = {
  list: defineRoute({
    method: "get",
    path: "/keystores",
    operationId: "listKeystores",
    summary: "List keystores and truststores with entry counts and nearest expiry",
    tag,
    access: "viewer",
    response: KeystoreListSchema,
  }),
  create: defineRoute({
    method: "post",
    path: "/keystores",
    operationId: "createKeystore",
    summary: "Upload a keystore, or create an empty one",
    description:
      "Two forms. **Upload**: `multipart/form-data` with the fields `file` (PKCS#12, JKS, JCEKS " +
      "or PEM; at most 10 MiB, else 413), `password` (the store password; for PEM the password " +
      "of encrypted keys), optional `name` (default: the file name without extension) and " +
      "`keyPassword` (JKS/JCEKS/PEM keys with their own password). **Create empty**: " +
      "`application/json` `CreateKeystoreRequest` `{name, password, type}`. Answers the " +
      "keystore with every entry. The password is kept encrypted and used when the keystore is " +
      "downloaded or delivered to realms; it is never returned. Wrong password: 422 " +
      "`keystore_password`; truncated or damaged file: 422 `truncated_keystore` / " +
      "`malformed_keystore`; not a keystore: 415 `not_a_keystore`; name taken: 409.",
    tag,
    access: "operator",
    status: 201,
    response: KeystoreSchema,
    errors: [409, 413, 415, 422],
  }),
  get: defineRoute({
    method: "get",
    path: "/keystores/:id",
    operationId: "getKeystore",
    summary: "One keystore with its entries",
    tag,
    access: "viewer",
    params: KeystoreIdParamsSchema,
    response: KeystoreSchema,
    errors: [404],
  }),
  delete: defineRoute({
    method: "delete",
    path: "/keystores/:id",
    operationId: "deleteKeystore",
    summary: "Delete a keystore with its keys and certificates",
    tag,
    access: "operator",
    params: KeystoreIdParamsSchema,
    errors: [404],
  }),
  entries: defineRoute({
    method: "get",
    path: "/keystores/:id/entries",
    operationId: "listKeystoreEntries",
    summary: "The entries of a keystore",
    tag,
    access: "viewer",
    params: KeystoreIdParamsSchema,
    response: KeystoreEntryListSchema,
    errors: [404],
  }),
  deleteEntry: defineRoute({
    method: "delete",
    path: "/keystores/:id/entries/:alias",
    operationId: "deleteKeystoreEntry",
    summary: "Delete an entry",
    description: "Aliases compare case-insensitively, as in Java.",
    tag,
    access: "operator",
    params: KeystoreEntryParamsSchema,
    errors: [404],
  }),
  renameEntry: defineRoute({
    method: "patch",
    path: "/keystores/:id/entries/:alias",
    operationId: "renameKeystoreEntry",
    summary: "Rename an entry",
    tag,
    access: "operator",
    params: KeystoreEntryParamsSchema,
    body: RenameEntryRequestSchema,
    response: KeystoreEntrySchema,
    errors: [404, 409],
  }),
  importTrustedCertificate: defineRoute({
    method: "post",
    path: "/keystores/:id/trusted-certificates",
    operationId: "importTrustedCertificate",
    summary: "Import a trusted certificate",
    description:
      "`application/json` `ImportTrustedCertificateRequest` `{alias?, pem}`, or " +
      "`multipart/form-data` with `file` (PEM or DER certificate) and optional `alias`. The " +
      "alias defaults to one derived from the certificate's CN. Alias taken: 409; not a " +
      "certificate: 422 `invalid_certificate`.",
    tag,
    access: "operator",
    params: KeystoreIdParamsSchema,
    status: 201,
    response: KeystoreEntrySchema,
    errors: FILE_ERRORS,
  }),
  generateKeyPair: defineRoute({
    method: "post",
    path: "/keystores/:id/key-pairs",
    operationId: "generateKeyPair",
    summary: "Generate a key pair and a CSR for it",
    description:
      "The new key entry has no certificate until its CA reply is imported (status " +
      "`pendingCaReply`); sign the CSR with a private CA (`POST /pki/cas/{id}/sign`, or " +
      "`/issue` to sign and import in one step) or an external one.",
    tag,
    access: "operator",
    params: KeystoreIdParamsSchema,
    body: GenerateKeyPairRequestSchema,
    status: 201,
    response: GeneratedKeyPairSchema,
    errors: [404, 409],
  }),
  csr: defineRoute({
    method: "get",
    path: "/keystores/:id/entries/:alias/csr",
    operationId: "getKeystoreEntryCsr",
    summary: "The CSR of a key entry",
    description:
      "The CSR generated with the key pair, or for an uploaded key a new CSR with its " +
      "certificate's subject, SANs and extended key usage (like `keytool -certreq`).",
    tag,
    access: "viewer",
    params: KeystoreEntryParamsSchema,
    response: CsrSchema,
    errors: [404],
  }),
  importCaReply: defineRoute({
    method: "post",
    path: "/keystores/:id/entries/:alias/ca-reply",
    operationId: "importCaReply",
    summary: "Import a CA reply into a key entry",
    description:
      "The signed certificate, optionally followed by its CA chain. The chain is completed " +
      "from the reply and the keystore's trusted certificates. A certificate for another " +
      "key: 422 `key_mismatch`.",
    tag,
    access: "operator",
    params: KeystoreEntryParamsSchema,
    body: ImportCaReplyRequestSchema,
    response: KeystoreEntrySchema,
    errors: [404, 422],
  }),
  changePassword: defineRoute({
    method: "post",
    path: "/keystores/:id/password",
    operationId: "changeKeystorePassword",
    summary: "Change the keystore password",
    description:
      "The password that protects downloads and the files delivered to realms. Wrong " +
      "current password: 422 `keystore_password`.",
    tag,
    access: "operator",
    params: KeystoreIdParamsSchema,
    body: ChangeKeystorePasswordRequestSchema,
    errors: [404, 422],
  }),
  download: defineRoute({
    method: "get",
    path: "/keystores/:id/download",
    operationId: "downloadKeystore",
    summary: "Download the keystore as a file, protected by its stored password",
    description:
      "Answers the file itself (`application/x-pkcs12`, `application/x-java-keystore` or " +
      "`application/x-pem-file`, with Content-Disposition), not JSON. JKS key passwords equal " +
      "the store password; PEM keys are encrypted with it (PKCS#8, AES-256). Key entries " +
      "waiting for their CA reply are left out and named in `X-Conclave-Pending-Aliases`. " +
      "Operators and admins only: the file holds the private keys. Use POST to protect the " +
      "file with another password.",
    tag,
    access: "operator",
    params: KeystoreIdParamsSchema,
    query: KeystoreDownloadQuerySchema,
    status: 200,
    errors: [404],
  }),
  downloadWithPassword: defineRoute({
    method: "post",
    path: "/keystores/:id/download",
    operationId: "downloadKeystoreWithPassword",
    summary: "Download the keystore as a file protected by a password given here",
    description:
      "As GET, but the file is protected by `password` from the body (the stored password " +
      "does not change). The password is never echoed.",
    tag,
    access: "operator",
    params: KeystoreIdParamsSchema,
    body: KeystoreDownloadRequestSchema,
    status: 200,
    errors: [404],
  }),
  checks: defineRoute({
    method: "get",
    path: "/keystores/:id/checks",
    operationId: "checkKeystore",
    summary: "Certificate checks for each key entry",
    description:
      "Host coverage for the bind address and the dialled host names (a certificate that " +
      "covers only localhost fails for a non-loopback bind), key match, validity, key usage, " +
      "strength and, with a truststore, the chain.",
    tag,
    access: "viewer",
    params: KeystoreIdParamsSchema,
    query: KeystoreChecksQuerySchema,
    response: KeystoreChecksSchema,
    errors: [404],
  }),
};

export interface KeystoresRouterOptions {
  registry: RouteRegistry;
  db: Db;
  /** Seals passwords and private keys; without it the routes answer 503. */
  secrets: SecretBox | undefined;
}

const changeOf = (auth: AuthContext, ip: string): ChangeContext => ({
  actor: { userId: auth.user.id, username: auth.user.username },
  ip,
});

function sendFile(res: Response, file: KeystoreFile): void {
  res.status(200);
  res.set({
    "Content-Type": file.contentType,
    "Content-Disposition": `attachment; filename="${file.fileName}"`,
  });
  if (file.pendingAliases.length > 0) {
    res.set("X-Conclave-Pending-Aliases", file.pendingAliases.map(encodeURIComponent).join(","));
  }
  res.end(Buffer.from(file.bytes));
}

/** Routes under /api/v1/keystores. */
export function createKeystoresRouter(options: KeystoresRouterOptions): Router {
  const { registry, db, secrets } = options;
  const router = Router();
  const service = () => {
    if (!secrets) {
      throw new UnavailableError(
        "Keystores are unavailable: the manager was started without a master key",
      );
    }
    return new KeystoresService(db, secrets);
  };

  registry.mount(router, keystoresRoutes.list, async () => ({ items: await service().list() }));

  registry.mount(router, keystoresRoutes.create, ({ req, res, auth, ip }) =>
    withPkiErrors(async () => {
      const keystores = service();
      if (bodyKind(req) === "json") {
        const body = await readJsonBody(req, res, CreateKeystoreRequestSchema);
        return keystores.create(body, changeOf(auth, ip));
      }
      const upload = await readMultipart(req);
      if (!upload.file) throw new InputError('Send the keystore file in the form field "file"');
      const fields = parseInput(UploadKeystoreFieldsSchema, upload.fields, "body");
      return keystores.upload(
        {
          file: upload.file,
          fileName: upload.fileName,
          password: fields.password,
          keyPassword: fields.keyPassword,
          name: fields.name,
        },
        changeOf(auth, ip),
      );
    }),
  );

  registry.mount(router, keystoresRoutes.get, ({ params }) =>
    withPkiErrors(() => service().get(params.id)),
  );

  registry.mount(router, keystoresRoutes.delete, async ({ params, auth, ip }) => {
    await service().delete(params.id, changeOf(auth, ip));
    return undefined;
  });

  registry.mount(router, keystoresRoutes.entries, ({ params }) =>
    withPkiErrors(async () => ({ items: await service().entries(params.id) })),
  );

  registry.mount(router, keystoresRoutes.deleteEntry, ({ params, auth, ip }) =>
    withPkiErrors(async () => {
      await service().deleteEntry(params.id, params.alias, changeOf(auth, ip));
      return undefined;
    }),
  );

  registry.mount(router, keystoresRoutes.renameEntry, ({ params, body, auth, ip }) =>
    withPkiErrors(() =>
      service().renameEntry(params.id, params.alias, body.alias, changeOf(auth, ip)),
    ),
  );

  registry.mount(
    router,
    keystoresRoutes.importTrustedCertificate,
    ({ req, res, params, auth, ip }) =>
      withPkiErrors(async () => {
        const keystores = service();
        if (bodyKind(req) === "json") {
          const body = await readJsonBody(req, res, ImportTrustedCertificateRequestSchema);
          return keystores.importTrustedCertificate(
            params.id,
            { certificate: body.pem, alias: body.alias },
            changeOf(auth, ip),
          );
        }
        const upload = await readMultipart(req);
        if (!upload.file) throw new InputError('Send the certificate in the form field "file"');
        const alias = upload.fields.alias?.trim();
        return keystores.importTrustedCertificate(
          params.id,
          { certificate: upload.file, alias: alias || undefined },
          changeOf(auth, ip),
        );
      }),
  );

  registry.mount(router, keystoresRoutes.generateKeyPair, ({ params, body, auth, ip }) =>
    withPkiErrors(() => service().generateKeyPair(params.id, body, changeOf(auth, ip))),
  );

  registry.mount(router, keystoresRoutes.csr, ({ params }) =>
    withPkiErrors(() => service().csr(params.id, params.alias)),
  );

  registry.mount(router, keystoresRoutes.importCaReply, ({ params, body, auth, ip }) =>
    withPkiErrors(() =>
      service().importCaReply(params.id, params.alias, body.pem, changeOf(auth, ip)),
    ),
  );

  registry.mount(router, keystoresRoutes.changePassword, ({ params, body, auth, ip }) =>
    withPkiErrors(async () => {
      await service().changePassword(
        params.id,
        body.currentPassword,
        body.newPassword,
        changeOf(auth, ip),
      );
      return undefined;
    }),
  );

  registry.mount(router, keystoresRoutes.download, ({ res, params, query, auth, ip }) =>
    withPkiErrors(async () => {
      sendFile(
        res,
        await service().download(params.id, query.format, undefined, changeOf(auth, ip)),
      );
      return undefined;
    }),
  );

  registry.mount(router, keystoresRoutes.downloadWithPassword, ({ res, params, body, auth, ip }) =>
    withPkiErrors(async () => {
      sendFile(
        res,
        await service().download(params.id, body.format, body.password, changeOf(auth, ip)),
      );
      return undefined;
    }),
  );

  registry.mount(router, keystoresRoutes.checks, ({ params, query }) =>
    withPkiErrors(() => service().checks(params.id, query)),
  );

  return router;
}
