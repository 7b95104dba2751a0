import { makeCa, makeLeaf } from "@conclave/pki/test-support";

export interface ServerCertificateFiles {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

/**
 * A throwaway CA and a server certificate for 127.0.0.1, made with the openssl CLI (an
 * independent peer), so benchmarks need nothing from the code they measure.
 */
export async function makeLoopbackCertificates(dir: string): Promise<ServerCertificateFiles> {
  const ca = await makeCa(dir, "bench-ca", 2);
  const server = await makeLeaf(dir, ca, "server", { commonName: "127.0.0.1", days: 2 });
  return { caCert: ca.cert, serverCert: server.cert, serverKey: server.key };
}
