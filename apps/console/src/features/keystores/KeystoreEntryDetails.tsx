import type { CertificateSummary, KeystoreEntry } from "@conclave/protocol";
import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  DrawerActions,
  DrawerCloseButton,
  DrawerHead,
  DrawerPanelBody,
  Label,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Title,
} from "@patternfly/react-core";
import { useMutation } from "@tanstack/react-query";
import { type ReactNode, useId, useState } from "react";
import { ImportCaReplyModal } from "./ImportCaReplyModal";
import { fetchEntryCsr, useDeleteEntryMutation } from "./keystores.queries";
import { SignWithCaModal } from "./SignWithCaModal";
import { saveCsr } from "./save-file";

export interface KeystoreEntryDetailsProps {
  keystoreId: string;
  entry: KeystoreEntry;
  /** Operators and admins change entries; viewers only read. */
  canEdit: boolean;
  onClose: () => void;
}

const day = (at: string | null) => (at ? new Date(at).toISOString().slice(0, 10) : "—");
const list = (items: string[]) => (items.length > 0 ? items.join(", ") : "—");

function Field({ term, children }: { term: string; children: ReactNode }) {
  return (
    <DescriptionListGroup>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{children}</DescriptionListDescription>
    </DescriptionListGroup>
  );
}

function CertificateFields({
  certificate,
  entry,
  position,
}: {
  certificate: CertificateSummary;
  /** Key type, SANs and key usage are known for the entry's own certificate only. */
  entry: KeystoreEntry | null;
  position: number;
}) {
  const role =
    position === 0
      ? entry?.kind === "trustedCertificate"
        ? "Trusted certificate"
        : "End-entity certificate"
      : certificate.selfSigned
        ? "Root CA"
        : "Intermediate CA";
  return (
    <section aria-label={`Certificate ${position + 1}: ${certificate.subject}`}>
      <Title headingLevel="h4" style={{ marginTop: 16 }}>
        {position + 1}. {role}
      </Title>
      <DescriptionList isCompact isHorizontal>
        <Field term="Subject">{certificate.subject}</Field>
        <Field term="Issuer">{certificate.issuer}</Field>
        <Field term="Serial">
          <code>{certificate.serial}</code>
        </Field>
        <Field term="Valid">
          {day(certificate.notBefore)} to {day(certificate.notAfter)}
        </Field>
        {entry && (
          <>
            <Field term="Key type">
              {entry.keyType} {entry.keySize}
            </Field>
            <Field term="SANs">{list(entry.sans)}</Field>
            <Field term="Key usage">{list(entry.keyUsage)}</Field>
            <Field term="Extended key usage">{list(entry.extendedKeyUsage)}</Field>
          </>
        )}
        <Field term="SHA-256 fingerprint">
          <code style={{ wordBreak: "break-all" }}>{certificate.sha256}</code>
        </Field>
      </DescriptionList>
    </section>
  );
}

/**
 * The drawer panel of one entry: every certificate of its chain (leaf first) and the actions
 * that fit its kind — CA reply, private-CA signing and CSR for key entries, deletion for all.
 */
export function KeystoreEntryDetails({
  keystoreId,
  entry,
  canEdit,
  onClose,
}: KeystoreEntryDetailsProps) {
  const id = useId();
  const [dialog, setDialog] = useState<"caReply" | "sign" | "delete" | null>(null);
  const remove = useDeleteEntryMutation(keystoreId);
  const csr = useMutation({
    mutationFn: () => fetchEntryCsr(keystoreId, entry.alias),
    onSuccess: (answer) => saveCsr(entry.alias, answer.csr),
  });
  const isKey = entry.kind === "privateKey";
  const pending = entry.status === "pendingCaReply";

  return (
    <>
      <DrawerHead>
        <Title headingLevel="h2">{entry.alias}</Title>
        <Label color={pending ? "orange" : "blue"}>
          {isKey ? "Private key" : "Trusted certificate"}
          {pending ? " · awaiting CA reply" : ""}
        </Label>
        <DrawerActions>
          <DrawerCloseButton onClick={onClose} aria-label="Close entry details" />
        </DrawerActions>
      </DrawerHead>
      <DrawerPanelBody>
        <div style={{ display: "flex", flexWrap: "wrap", gap: 8, marginBottom: 8 }}>
          {isKey && (
            <Button variant="secondary" size="sm" onClick={() => csr.mutate()}>
              Download CSR
            </Button>
          )}
          {canEdit && isKey && (
            <>
              <Button variant="secondary" size="sm" onClick={() => setDialog("caReply")}>
                Import CA reply
              </Button>
              <Button variant="secondary" size="sm" onClick={() => setDialog("sign")}>
                Sign with private CA
              </Button>
            </>
          )}
          {canEdit && (
            <Button variant="danger" size="sm" onClick={() => setDialog("delete")}>
              Delete entry
            </Button>
          )}
        </div>
        {csr.error && (
          <Alert variant="danger" isInline title="The CSR could not be fetched">
            {csr.error.message}
          </Alert>
        )}
        {pending ? (
          <>
            <Alert variant="info" isInline title="This key has no certificate yet">
              Download its CSR for your CA and import the reply, or sign it with a private CA.
            </Alert>
            <DescriptionList isCompact isHorizontal style={{ marginTop: 16 }}>
              <Field term="Requested subject">{entry.subject}</Field>
              <Field term="Requested SANs">{list(entry.sans)}</Field>
              <Field term="Key type">
                {entry.keyType} {entry.keySize}
              </Field>
            </DescriptionList>
          </>
        ) : (
          <>
            <Title headingLevel="h3">Certificate chain ({entry.chain.length})</Title>
            {entry.chain.map((certificate, position) => (
              <CertificateFields
                key={certificate.sha256}
                certificate={certificate}
                entry={position === 0 ? entry : null}
                position={position}
              />
            ))}
          </>
        )}
      </DrawerPanelBody>
      {dialog === "caReply" && (
        <ImportCaReplyModal
          keystoreId={keystoreId}
          alias={entry.alias}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "sign" && (
        <SignWithCaModal
          keystoreId={keystoreId}
          alias={entry.alias}
          onClose={() => setDialog(null)}
        />
      )}
      <Modal
        isOpen={dialog === "delete"}
        onClose={() => setDialog(null)}
        variant="small"
        aria-labelledby={`${id}-delete-title`}
      >
        <ModalHeader
          title={`Delete entry ${entry.alias}?`}
          titleIconVariant="warning"
          labelId={`${id}-delete-title`}
        />
        <ModalBody>
          {isKey
            ? "The private key and its certificate are removed. Interfaces that serve it stop working after their next reload."
            : "Peers whose chains end in this certificate are no longer trusted."}
          {remove.error && (
            <Alert variant="danger" isInline title="The entry was not deleted">
              {remove.error.message}
            </Alert>
          )}
        </ModalBody>
        <ModalFooter>
          <Button
            variant="danger"
            isLoading={remove.isPending}
            onClick={() =>
              remove.mutate(entry.alias, {
                onSuccess: () => {
                  setDialog(null);
                  onClose();
                },
              })
            }
          >
            Delete
          </Button>
          <Button variant="link" onClick={() => setDialog(null)}>
            Cancel
          </Button>
        </ModalFooter>
      </Modal>
    </>
  );
}
