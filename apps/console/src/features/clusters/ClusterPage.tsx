import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  EmptyState,
  EmptyStateBody,
  Flex,
  FlexItem,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  PageSection,
  Spinner,
  Title,
} from "@patternfly/react-core";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../../api/client";
import { FindingsTable } from "../../components/FindingsTable";
import { useRealmsQuery } from "../realms/realms.queries";
import { useHasRole } from "../session/session.queries";
import { StartEncryptionWizard } from "../wizards/StartEncryptionWizard";
import { StartRotationWizard } from "../wizards/StartRotationWizard";
import { WizardList } from "../wizards/WizardList";
import { ClusterLinksTable } from "./ClusterLinksTable";
import { ClusterMembersTable } from "./ClusterMembersTable";
import { ClusterStatusLabel } from "./ClusterStatusLabel";
import { findingsOf } from "./cluster-wizard-steps";
import {
  useAddClusterMemberMutation,
  useClusterQuery,
  useClusterStatusQuery,
  useDeleteClusterMutation,
  useRemoveClusterMemberMutation,
} from "./clusters.queries";

/** A refused change: the manager's message and, for a failed pre-flight, its findings. */
function ChangeError({ title, error }: { title: string; error: Error | null }) {
  if (!error) return null;
  const findings = findingsOf(error);
  return (
    <>
      <Alert variant="danger" isInline title={title}>
        {error.message}
      </Alert>
      {findings.length > 0 && <FindingsTable findings={findings} />}
    </>
  );
}

/** Offers the realms that stand alone; the manager runs the pre-flight checks on them. */
function AddMemberForm({ cluster }: { cluster: string }) {
  const realms = useRealmsQuery();
  const add = useAddClusterMemberMutation(cluster);
  const [realm, setRealm] = useState("");
  const candidates = (realms.data ?? []).filter((r) => r.cluster === null);
  return (
    <Form
      onSubmit={(event) => {
        event.preventDefault();
        if (realm) add.mutate(realm, { onSuccess: () => setRealm("") });
      }}
    >
      <Flex alignItems={{ default: "alignItemsFlexEnd" }}>
        <FlexItem>
          <FormGroup label="Realm to add" fieldId="cluster-add-member">
            <FormSelect
              id="cluster-add-member"
              value={realm}
              onChange={(_event, value) => setRealm(value)}
            >
              <FormSelectOption
                value=""
                label={candidates.length ? "Choose a realm" : "Every realm is in a cluster"}
                isPlaceholder
              />
              {candidates.map((r) => (
                <FormSelectOption key={r.name} value={r.name} label={r.name} />
              ))}
            </FormSelect>
          </FormGroup>
        </FlexItem>
        <FlexItem>
          <Button
            type="submit"
            variant="secondary"
            isDisabled={!realm || add.isPending}
            isLoading={add.isPending}
          >
            Add member
          </Button>
        </FlexItem>
      </Flex>
      <ChangeError title={`${realm || "The realm"} was not added`} error={add.error} />
    </Form>
  );
}

function RemoveMemberModal(props: { cluster: string; realm: string; onClose: () => void }) {
  const { cluster, realm, onClose } = props;
  const remove = useRemoveClusterMemberMutation(cluster);
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="remove-member-title">
      <ModalHeader title={`Remove ${realm} from ${cluster}?`} labelId="remove-member-title" />
      <ModalBody>
        The other members get the new member list; {realm} leaves the cluster and serves on its own.
        <ChangeError title={`${realm} was not removed`} error={remove.error} />
      </ModalBody>
      <ModalFooter>
        <Button
          variant="danger"
          isLoading={remove.isPending}
          isDisabled={remove.isPending}
          onClick={() => remove.mutate(realm, { onSuccess: onClose })}
        >
          Remove
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

function DeleteClusterModal({ cluster, onClose }: { cluster: string; onClose: () => void }) {
  const navigate = useNavigate();
  const remove = useDeleteClusterMutation();
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="delete-cluster-title">
      <ModalHeader title={`Delete cluster ${cluster}?`} labelId="delete-cluster-title" />
      <ModalBody>
        Every member leaves the cluster; the realms serve on their own again.
        <ChangeError title={`${cluster} was not deleted`} error={remove.error} />
      </ModalBody>
      <ModalFooter>
        <Button
          variant="danger"
          isLoading={remove.isPending}
          isDisabled={remove.isPending}
          onClick={() => remove.mutate(cluster, { onSuccess: () => navigate("/clusters") })}
        >
          Delete
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** One cluster: health, master, members and inter-realm links; operators change membership. */
export function ClusterPage() {
  const name = useParams().cluster ?? "";
  const canEdit = useHasRole("operator");
  const cluster = useClusterQuery(name);
  // Link RTTs change without an event; state changes arrive over SSE in between.
  const status = useClusterStatusQuery(name, {
    enabled: !cluster.error,
    refetchInterval: 5_000,
  });
  const [removing, setRemoving] = useState<string | undefined>();
  const [deleting, setDeleting] = useState(false);

  if (cluster.error instanceof ApiError && cluster.error.status === 404) {
    return (
      <PageSection>
        <Title headingLevel="h1">{name}</Title>
        <EmptyState titleText="No such cluster" headingLevel="h2">
          <EmptyStateBody>
            There is no cluster {name}. <Link to="/clusters">Back to Clusters</Link>
          </EmptyStateBody>
        </EmptyState>
      </PageSection>
    );
  }

  const view = status.data;
  const members = cluster.data?.members.map((m) => m.realm) ?? [];
  const health = view?.status ?? cluster.data?.status;
  return (
    <>
      <PageSection>
        <Flex alignItems={{ default: "alignItemsCenter" }}>
          <FlexItem>
            <Title headingLevel="h1">{name}</Title>
          </FlexItem>
          {health && (
            <FlexItem>
              <ClusterStatusLabel status={health} />
            </FlexItem>
          )}
          {/* The wizard buttons hide themselves from viewers. */}
          <FlexItem align={{ default: "alignRight" }}>
            <StartEncryptionWizard cluster={name} members={members} />
          </FlexItem>
          <FlexItem>
            <StartRotationWizard cluster={name} members={members} />
          </FlexItem>
          {canEdit && (
            <FlexItem>
              <Button variant="danger" onClick={() => setDeleting(true)}>
                Delete cluster
              </Button>
            </FlexItem>
          )}
        </Flex>
      </PageSection>
      <PageSection>
        {(cluster.isPending || status.isPending) && !view && (
          <Spinner aria-label="Loading cluster" />
        )}
        {cluster.error && <Alert variant="danger" isInline title={cluster.error.message} />}
        {status.error && <Alert variant="danger" isInline title={status.error.message} />}
        {view && (
          <div style={{ display: "grid", gap: 24 }}>
            <DescriptionList isHorizontal aria-label={`Status of ${name}`}>
              <DescriptionListGroup>
                <DescriptionListTerm>Master</DescriptionListTerm>
                <DescriptionListDescription>
                  {view.master ?? "none elected"}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Connected servers</DescriptionListTerm>
                <DescriptionListDescription>{view.connectedServers}</DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Disconnected servers</DescriptionListTerm>
                <DescriptionListDescription>{view.disconnectedServers}</DescriptionListDescription>
              </DescriptionListGroup>
            </DescriptionList>
            <section>
              <Title headingLevel="h2">Members</Title>
              <ClusterMembersTable
                cluster={name}
                members={view.members}
                linkRealms
                onRemove={canEdit ? setRemoving : undefined}
              />
              {canEdit && <AddMemberForm cluster={name} />}
            </section>
            <section>
              <Title headingLevel="h2">Links</Title>
              <ClusterLinksTable cluster={name} links={view.links} />
            </section>
            <section>
              <Title headingLevel="h2">Wizards</Title>
              <WizardList cluster={name} />
            </section>
          </div>
        )}
      </PageSection>
      {removing && (
        <RemoveMemberModal cluster={name} realm={removing} onClose={() => setRemoving(undefined)} />
      )}
      {deleting && <DeleteClusterModal cluster={name} onClose={() => setDeleting(false)} />}
    </>
  );
}
