import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type {
  GeneratedKeyPair,
  GenerateKeyPairRequest,
  Keystore,
  KeystoreEntry,
  KeystoreEntryList,
  KeystoreList,
  KeystoreSummary,
} from "@conclave/protocol";
import { UsageError } from "../cli-error.js";
import type { Command } from "../command.js";
import { type Column, renderTable } from "../render-table.js";
import { passwordFlags, passwordOptions, readPasswordOption } from "./read-password-option.js";
import { resolveKeystore, seg } from "./resolve-by-name.js";
import { subjectFlags, subjectFromFlags, subjectOptions } from "./subject-flags.js";
import { writeOutput } from "./write-output.js";

const keystoreColumns: Column<KeystoreSummary>[] = [
  { header: "ID", value: (k) => k.id },
  { header: "NAME", value: (k) => k.name },
  { header: "TYPE", value: (k) => k.type },
  { header: "ENTRIES", value: (k) => k.entryCount },
  { header: "KEYS", value: (k) => k.privateKeyCount },
  { header: "TRUSTED", value: (k) => k.trustedCertificateCount },
  { header: "EXPIRY", value: (k) => k.expiry },
  { header: "NEAREST EXPIRY", value: (k) => k.nearestExpiry },
];

/** Columns of `keystores entries`. */
export const entryColumns: Column<KeystoreEntry>[] = [
  { header: "ALIAS", value: (e) => e.alias },
  { header: "KIND", value: (e) => e.kind },
  { header: "STATUS", value: (e) => e.status },
  { header: "SUBJECT", value: (e) => e.subject },
  { header: "KEY", value: (e) => `${e.keyType}-${e.keySize}` },
  { header: "NOT AFTER", value: (e) => e.notAfter },
  { header: "EXPIRY", value: (e) => e.expiry },
  { header: "SANS", value: (e) => e.sans },
];

const outOption = { out: { type: "string", short: "o" } } as const;

/** keystores list|upload|entries|import-cert|generate-csr|import-reply|download|delete. */
export const keystoresCommands: Command[] = [
  {
    path: ["keystores", "list"],
    summary: "List keystores and truststores with entry counts and nearest expiry",
    async run(ctx) {
      const list = await ctx.api().get<KeystoreList>("/keystores");
      ctx.print(list, () => renderTable(list.items, keystoreColumns));
    },
  },
  {
    path: ["keystores", "upload"],
    args: "<file>",
    summary: "Upload a PKCS#12, JKS, JCEKS or PEM keystore",
    options: {
      name: { type: "string" },
      ...passwordOptions("password"),
      ...passwordOptions("key-password"),
    },
    flags: {
      name: "Its name in the manager (default: the file name without extension)",
      ...passwordFlags("password", "store password"),
      ...passwordFlags("key-password", "key password (JKS/JCEKS/PEM keys with their own)"),
    },
    async run(ctx) {
      const file = ctx.positionals[0]!;
      const bytes = await readFile(file);
      const password = (await readPasswordOption(
        ctx,
        "password",
        `Password for ${basename(file)}: `,
      ))!;
      const keyPassword = await readPasswordOption(ctx, "key-password", "", false);
      const form = new FormData();
      form.set("password", password);
      if (keyPassword) form.set("keyPassword", keyPassword);
      if (ctx.values.name) form.set("name", ctx.values.name as string);
      form.set("file", new Blob([bytes]), basename(file));
      const keystore = await ctx.api().json<Keystore>("POST", "/keystores", { form });
      ctx.print(keystore, () =>
        [
          `Uploaded ${keystore.name} (${keystore.id}, ${keystore.sourceFormat}).`,
          renderTable(keystore.entries, entryColumns),
        ].join("\n"),
      );
    },
  },
  {
    path: ["keystores", "entries"],
    args: "<keystore>",
    summary: "The entries of a keystore (by id or name)",
    async run(ctx) {
      const api = ctx.api();
      const id = await resolveKeystore(api, ctx.positionals[0]!);
      const list = await api.get<KeystoreEntryList>(`/keystores/${seg(id)}/entries`);
      ctx.print(list, () => renderTable(list.items, entryColumns));
    },
  },
  {
    path: ["keystores", "import-cert"],
    args: "<keystore> <pem-file>",
    summary: "Import a trusted certificate (PEM) into a keystore or truststore",
    options: { alias: { type: "string" } },
    flags: { alias: "The entry's alias (default: derived from the certificate's CN)" },
    async run(ctx) {
      const api = ctx.api();
      const id = await resolveKeystore(api, ctx.positionals[0]!);
      const pem = await readFile(ctx.positionals[1]!, "utf8");
      const entry = await api.json<KeystoreEntry>(
        "POST",
        `/keystores/${seg(id)}/trusted-certificates`,
        {
          json: { alias: ctx.values.alias, pem },
        },
      );
      ctx.print(entry, () => renderTable([entry], entryColumns));
    },
  },
  {
    path: ["keystores", "generate-csr"],
    args: "<keystore>",
    summary: "Generate a key pair in a keystore and print its CSR (PEM)",
    options: {
      alias: { type: "string" },
      "key-type": { type: "string" },
      san: { type: "string", multiple: true },
      eku: { type: "string", multiple: true },
      ...subjectOptions,
      ...outOption,
    },
    flags: {
      alias: "The new key entry's alias (required)",
      "key-type": "RSA-2048, RSA-3072, RSA-4096, EC-P256 (default) or EC-P384",
      san: 'Subject alternative name, "dns:host.example" or "ip:198.18.0.5"',
      eku: "Extended key usage: serverAuth, clientAuth, … (default both)",
      ...subjectFlags,
      out: "Write the CSR to this file instead of stdout",
    },
    async run(ctx) {
      const alias = ctx.values.alias as string | undefined;
      if (!alias) throw new UsageError("--alias is required");
      const api = ctx.api();
      const id = await resolveKeystore(api, ctx.positionals[0]!);
      const body: GenerateKeyPairRequest = {
        alias,
        subject: subjectFromFlags(ctx.values),
        keyType: ctx.values["key-type"] as GenerateKeyPairRequest["keyType"],
        sans: ctx.values.san as string[] | undefined,
        extendedKeyUsage: ctx.values.eku as GenerateKeyPairRequest["extendedKeyUsage"],
      };
      const result = await api.json<GeneratedKeyPair>("POST", `/keystores/${seg(id)}/key-pairs`, {
        json: body,
      });
      if (ctx.json) ctx.print(result, () => "");
      else await writeOutput(ctx, result.csr, { what: "the CSR" });
    },
  },
  {
    path: ["keystores", "import-reply"],
    args: "<keystore> <alias> <pem-file>",
    summary: "Import a CA reply (the signed certificate and its chain) for a key entry",
    async run(ctx) {
      const api = ctx.api();
      const id = await resolveKeystore(api, ctx.positionals[0]!);
      const pem = await readFile(ctx.positionals[2]!, "utf8");
      const entry = await api.json<KeystoreEntry>(
        "POST",
        `/keystores/${seg(id)}/entries/${seg(ctx.positionals[1]!)}/ca-reply`,
        { json: { pem } },
      );
      ctx.print(entry, () => renderTable([entry], entryColumns));
    },
  },
  {
    path: ["keystores", "download"],
    args: "<keystore>",
    summary: "Download a keystore (it holds private keys: written 0600)",
    options: { format: { type: "string" }, ...outOption, ...passwordOptions("new-password") },
    flags: {
      format: "pkcs12 (default), jks or pem",
      out: "The file to write (required unless --format pem)",
      ...passwordFlags("new-password", "password protecting the file (default: the stored one)"),
    },
    async run(ctx) {
      const format = (ctx.values.format as string | undefined) ?? "pkcs12";
      if (!["pkcs12", "jks", "pem"].includes(format))
        throw new UsageError("--format is pkcs12, jks or pem");
      const out = ctx.values.out as string | undefined;
      if (!out && format !== "pem")
        throw new UsageError("--out FILE is required for a binary keystore");
      const api = ctx.api();
      const id = await resolveKeystore(api, ctx.positionals[0]!);
      const password = await readPasswordOption(ctx, "new-password", "", false);
      const res = password
        ? await api.send("POST", `/keystores/${seg(id)}/download`, { json: { format, password } })
        : await api.send("GET", `/keystores/${seg(id)}/download`, { query: { format } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const pending = res.headers.get("x-conclave-pending-aliases");
      if (pending) ctx.io.stderr(`Left out (waiting for a CA reply): ${pending}\n`);
      await writeOutput(ctx, format === "pem" ? Buffer.from(bytes).toString("utf8") : bytes, {
        secret: true,
        what: `the ${format} keystore`,
      });
    },
  },
  {
    path: ["keystores", "delete"],
    args: "<keystore>",
    summary: "Delete a keystore with its keys and certificates",
    async run(ctx) {
      const api = ctx.api();
      const id = await resolveKeystore(api, ctx.positionals[0]!);
      await api.send("DELETE", `/keystores/${seg(id)}`);
      ctx.print({ deleted: id }, () => `Deleted keystore ${ctx.positionals[0]} (${id}).`);
    },
  },
];
