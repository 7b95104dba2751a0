import { readFile } from "node:fs/promises";
import type {
  CertificateAuthority,
  CertificateAuthorityList,
  CreateCertificateAuthorityRequest,
  SignCsrRequest,
  SignedCertificate,
} from "@conclave/protocol";
import { UsageError } from "../cli-error.js";
import type { Command, OptionValues } from "../command.js";
import { type Column, renderTable } from "../render-table.js";
import { resolveCa, seg } from "./resolve-by-name.js";
import { subjectFlags, subjectFromFlags, subjectOptions } from "./subject-flags.js";
import { writeOutput } from "./write-output.js";

const caColumns: Column<CertificateAuthority>[] = [
  { header: "ID", value: (c) => c.id },
  { header: "NAME", value: (c) => c.name },
  { header: "SUBJECT", value: (c) => c.subject },
  { header: "KEY", value: (c) => `${c.keyType}-${c.keySize}` },
  { header: "PARENT", value: (c) => c.parentId },
  { header: "NOT AFTER", value: (c) => c.notAfter },
  { header: "ISSUED", value: (c) => c.issuedCount },
];

function int(values: OptionValues, name: string): number | undefined {
  const raw = values[name] as string | undefined;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} takes a whole number, not "${raw}"`);
  return n;
}

/** pki ca create|list|sign|download. */
export const pkiCommands: Command[] = [
  {
    path: ["pki", "ca", "create"],
    args: "<name>",
    summary:
      "Create a private certificate authority (a root, or an intermediate with --intermediate-of)",
    options: {
      ...subjectOptions,
      "key-type": { type: "string" },
      "validity-days": { type: "string" },
      "intermediate-of": { type: "string" },
      "path-length": { type: "string" },
    },
    flags: {
      ...subjectFlags,
      "key-type": "EC-P256 (default), EC-P384, RSA-2048, RSA-3072 or RSA-4096",
      "validity-days": "Default 3650 for a root, 1825 for an intermediate",
      "intermediate-of": "The CA (id or name) that signs this one",
      "path-length": "Basic constraints path length",
    },
    async run(ctx) {
      const api = ctx.api();
      const parent = ctx.values["intermediate-of"] as string | undefined;
      const body: CreateCertificateAuthorityRequest = {
        name: ctx.positionals[0]!,
        subject: subjectFromFlags(ctx.values),
        keyType: ctx.values["key-type"] as CreateCertificateAuthorityRequest["keyType"],
        validityDays: int(ctx.values, "validity-days"),
        intermediateOf: parent ? await resolveCa(api, parent) : undefined,
        pathLength: int(ctx.values, "path-length"),
      };
      const ca = await api.json<CertificateAuthority>("POST", "/pki/cas", { json: body });
      ctx.print(ca, () => renderTable([ca], caColumns));
    },
  },
  {
    path: ["pki", "ca", "list"],
    summary: "List the private certificate authorities",
    async run(ctx) {
      const list = await ctx.api().get<CertificateAuthorityList>("/pki/cas");
      ctx.print(list, () => renderTable(list.items, caColumns));
    },
  },
  {
    path: ["pki", "ca", "sign"],
    args: "<ca> <csr-file>",
    summary: "Sign a CSR and print the CA reply (certificate and chain, PEM)",
    options: {
      "validity-days": { type: "string" },
      san: { type: "string", multiple: true },
      eku: { type: "string", multiple: true },
      out: { type: "string", short: "o" },
    },
    flags: {
      "validity-days": "Default 397",
      san: "Replace the CSR's SANs (repeat for each)",
      eku: "Extended key usage (default: what the CSR asks, else serverAuth + clientAuth)",
      out: "Write the CA reply to this file instead of stdout",
    },
    async run(ctx) {
      const api = ctx.api();
      const id = await resolveCa(api, ctx.positionals[0]!);
      const body: SignCsrRequest = {
        csr: await readFile(ctx.positionals[1]!, "utf8"),
        validityDays: int(ctx.values, "validity-days"),
        sans: ctx.values.san as string[] | undefined,
        extendedKeyUsage: ctx.values.eku as SignCsrRequest["extendedKeyUsage"],
      };
      const signed = await api.json<SignedCertificate>("POST", `/pki/cas/${seg(id)}/sign`, {
        json: body,
      });
      if (ctx.json) ctx.print(signed, () => "");
      else await writeOutput(ctx, signed.chainPem, { what: "the CA reply" });
    },
  },
  {
    path: ["pki", "ca", "download"],
    args: "<ca>",
    summary: "Print the CA certificate (PEM), to import into truststores",
    options: { chain: { type: "boolean" }, out: { type: "string", short: "o" } },
    flags: {
      chain: "Append the CA's issuers (root last)",
      out: "Write to this file instead of stdout",
    },
    async run(ctx) {
      const api = ctx.api();
      const id = await resolveCa(api, ctx.positionals[0]!);
      const res = await api.send("GET", `/pki/cas/${seg(id)}/certificate`, {
        query: { chain: ctx.values.chain ? "true" : "false" },
      });
      await writeOutput(ctx, await res.text(), { what: "the CA certificate" });
    },
  },
];
