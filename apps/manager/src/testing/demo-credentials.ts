import { DEMO_REALMS, type Demo } from "./boot-demo.js";

/**
 * The demo cluster's TLS material as the API shows it, for process tests of the wizards that
 * issue it: the nsps ports, a CA's certificate, a keystore's certificates.
 */

/** Every nsps interface of every demo realm (the inter-realm and the client interface). */
export async function tlsPorts(
  demo: Demo,
): Promise<{ realm: string; alias: string; port: number }[]> {
  const ports: { realm: string; alias: string; port: number }[] = [];
  for (const realm of DEMO_REALMS) {
    const list = (await demo.api.get(`/realms/${realm}/interfaces`)).body as {
      alias: string;
      protocol: string;
      port: number;
    }[];
    for (const d of list)
      if (d.protocol === "nsps") ports.push({ realm, alias: d.alias, port: d.port });
  }
  return ports;
}

/** The PEM certificate of the CA named `name`. */
export async function caPem(demo: Demo, name: string): Promise<string> {
  const cas = (await demo.api.get("/pki/cas")).body.items as { id: string; name: string }[];
  const ca = cas.find((c) => c.name === name);
  if (!ca) throw new Error(`No CA ${name} among ${cas.map((c) => c.name).join(", ")}`);
  return (await demo.api.get(`/pki/cas/${ca.id}/certificate`)).text;
}

/** The SHA-256 of every certificate in the keystore named `name`. */
export async function keystoreShas(demo: Demo, name: string): Promise<string[]> {
  const items = (await demo.api.get("/keystores")).body.items as { id: string; name: string }[];
  const found = items.find((k) => k.name === name);
  if (!found) throw new Error(`No keystore ${name}`);
  const entries = (await demo.api.get(`/keystores/${found.id}/entries`)).body.items;
  return (entries as { sha256: string | null }[]).flatMap((e) => (e.sha256 ? [e.sha256] : []));
}
