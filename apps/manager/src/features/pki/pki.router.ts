import {
  CaCertificateQuerySchema,
  CertificateAuthorityIdParamsSchema,
  CertificateAuthorityListSchema,
  CertificateAuthoritySchema,
  CreateCertificateAuthorityRequestSchema,
  IssueCertificateRequestSchema,
  IssuedCertificateSchema,
  SignCsrRequestSchema,
  SignedCertificateSchema,
} from "@conclave/protocol";
import { Router } from "express";
import type { AuthContext } from "../../http/auth.js";
import { UnavailableError } from "../../http/errors.js";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import type { Db } from "../../store/db.js";
import type { SecretBox } from "../../store/secrets.js";
import type { ChangeContext } from "../keystores/keystores.service.js";
import { withPkiErrors } from "../keystores/to-http-error.js";
import { CasService } from "./cas.service.js";

const tag = "pki";

/** Private certificate authorities: viewers read, operators and admins create and sign. */
export const pkiRoutes = {
  list: defineRoute({
    method: "get",
    path: "/pki/cas",
    operationId: "listCertificateAuthorities",
    summary: "List private certificate authorities",
    tag,
    access: "viewer",
    response: CertificateAuthorityListSchema,
  }),
  create: defineRoute({
    method: "post",
    path: "/pki/cas",
    operationId: "createCertificateAuthority",
    summary: "Create a root CA, or an intermediate CA signed by another",
    description:
      "The CA's private key is generated here and kept encrypted; it never leaves the " +
      "manager. Name taken: 409.",
    tag,
    access: "operator",
    body: CreateCertificateAuthorityRequestSchema,
    status: 201,
    response: CertificateAuthoritySchema,
    errors: [404, 409],
  }),
  get: defineRoute({
    method: "get",
    path: "/pki/cas/:id",
    operationId: "getCertificateAuthority",
    summary: "One certificate authority",
    tag,
    access: "viewer",
    params: CertificateAuthorityIdParamsSchema,
    response: CertificateAuthoritySchema,
    errors: [404],
  }),
  delete: defineRoute({
    method: "delete",
    path: "/pki/cas/:id",
    operationId: "deleteCertificateAuthority",
    summary: "Delete a certificate authority and its key",
    description:
      "Certificates it issued stay valid until they expire. A CA that signed intermediate " +
      "CAs cannot be deleted before them: 409.",
    tag,
    access: "operator",
    params: CertificateAuthorityIdParamsSchema,
    errors: [404, 409],
  }),
  certificate: defineRoute({
    method: "get",
    path: "/pki/cas/:id/certificate",
    operationId: "downloadCaCertificate",
    summary: "Download the CA certificate (PEM)",
    description:
      "Answers `application/x-pem-file` with Content-Disposition, not JSON; `chain=true` " +
      "appends the CA's issuers (root last). Import it into truststores.",
    tag,
    access: "viewer",
    params: CertificateAuthorityIdParamsSchema,
    query: CaCertificateQuerySchema,
    status: 200,
    errors: [404],
  }),
  sign: defineRoute({
    method: "post",
    path: "/pki/cas/:id/sign",
    operationId: "signCsr",
    summary: "Sign a CSR",
    description:
      "The CSR's signature is checked; its subject and key are copied, its SANs too unless " +
      "`sans` replaces them. Answers the CA reply to import with …/ca-reply.",
    tag,
    access: "operator",
    params: CertificateAuthorityIdParamsSchema,
    body: SignCsrRequestSchema,
    response: SignedCertificateSchema,
    errors: [404],
  }),
  issue: defineRoute({
    method: "post",
    path: "/pki/cas/:id/issue",
    operationId: "issueCertificate",
    summary: "Sign a keystore key entry's CSR and import the reply, in one step",
    description:
      "Uses the CSR generated with the key pair, or one made from the entry's certificate " +
      "(a renewal). The entry then holds the new certificate and the CA chain.",
    tag,
    access: "operator",
    params: CertificateAuthorityIdParamsSchema,
    body: IssueCertificateRequestSchema,
    response: IssuedCertificateSchema,
    errors: [404, 422],
  }),
};

export interface PkiRouterOptions {
  registry: RouteRegistry;
  db: Db;
  /** Seals CA private keys; without it the routes answer 503. */
  secrets: SecretBox | undefined;
}

const changeOf = (auth: AuthContext, ip: string): ChangeContext => ({
  actor: { userId: auth.user.id, username: auth.user.username },
  ip,
});

const safeFileName = (name: string) =>
  `${name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "") || "ca"}.pem`;

/** Routes under /api/v1/pki. */
export function createPkiRouter(options: PkiRouterOptions): Router {
  const { registry, db, secrets } = options;
  const router = Router();
  const service = () => {
    if (!secrets) {
      throw new UnavailableError(
        "Certificate authorities are unavailable: the manager was started without a master key",
      );
    }
    return new CasService(db, secrets);
  };

  registry.mount(router, pkiRoutes.list, () =>
    withPkiErrors(async () => ({ items: await service().list() })),
  );

  registry.mount(router, pkiRoutes.create, ({ body, auth, ip }) =>
    withPkiErrors(() => service().create(body, changeOf(auth, ip))),
  );

  registry.mount(router, pkiRoutes.get, ({ params }) =>
    withPkiErrors(() => service().get(params.id)),
  );

  registry.mount(router, pkiRoutes.delete, ({ params, auth, ip }) =>
    withPkiErrors(async () => {
      await service().delete(params.id, changeOf(auth, ip));
      return undefined;
    }),
  );

  registry.mount(router, pkiRoutes.certificate, ({ res, params, query }) =>
    withPkiErrors(async () => {
      const { name, pem } = await service().certificatePem(params.id, query.chain);
      res
        .status(200)
        .set({
          "Content-Type": "application/x-pem-file",
          "Content-Disposition": `attachment; filename="${safeFileName(name)}"`,
        })
        .end(pem);
      return undefined;
    }),
  );

  registry.mount(router, pkiRoutes.sign, ({ params, body, auth, ip }) =>
    withPkiErrors(() => service().sign(params.id, body, changeOf(auth, ip))),
  );

  registry.mount(router, pkiRoutes.issue, ({ params, body, auth, ip }) =>
    withPkiErrors(() => service().issue(params.id, body, changeOf(auth, ip))),
  );

  return router;
}
