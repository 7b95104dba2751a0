import { saveFile } from "../../api/save-file";

/** Saves a CSR as <alias>.csr.pem for an external CA. */
export function saveCsr(alias: string, csr: string) {
  saveFile(csr, `${alias}.csr.pem`, "application/pkcs10");
}
