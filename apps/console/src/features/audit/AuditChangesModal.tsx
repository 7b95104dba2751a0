import type { AuditEntry } from "@conclave/protocol";
import {
  Button,
  CodeBlock,
  CodeBlockCode,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Title,
} from "@patternfly/react-core";

export interface AuditChangesModalProps {
  entry: AuditEntry;
  onClose: () => void;
}

function State({ title, value }: { title: string; value: Record<string, unknown> | null }) {
  return (
    <section aria-label={title} style={{ marginBottom: 16 }}>
      <Title headingLevel="h3" size="md">
        {title}
      </Title>
      {value === null ? (
        <p>—</p>
      ) : (
        <CodeBlock>
          <CodeBlockCode>{JSON.stringify(value, null, 2)}</CodeBlockCode>
        </CodeBlock>
      )}
    </section>
  );
}

/** An entry's state before and after, as the manager stored it (secrets already redacted). */
export function AuditChangesModal({ entry, onClose }: AuditChangesModalProps) {
  return (
    <Modal isOpen onClose={onClose} variant="medium" aria-labelledby="audit-changes-title">
      <ModalHeader
        title={`${entry.action} ${entry.target ?? ""}`.trim()}
        labelId="audit-changes-title"
        description={`${entry.username ?? "unknown"} at ${new Date(entry.at).toLocaleString()}`}
      />
      <ModalBody>
        <State title="Before" value={entry.before} />
        <State title="After" value={entry.after} />
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" onClick={onClose}>
          Close
        </Button>
      </ModalFooter>
    </Modal>
  );
}
