import type { CreateClusterRequest, PreflightReport, RealmSummary } from "@conclave/protocol";
import {
  Alert,
  Button,
  Checkbox,
  Content,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  Modal,
  Spinner,
  TextInput,
  useWizardContext,
  Wizard,
  WizardFooterWrapper,
  WizardHeader,
  WizardStep,
} from "@patternfly/react-core";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { FindingsTable } from "../../components/FindingsTable";
import { useRealmsQuery } from "../realms/realms.queries";
import { ClusterMembersTable } from "./ClusterMembersTable";
import { ClusterStatusLabel } from "./ClusterStatusLabel";
import {
  type ClusterWizardState,
  type ClusterWizardStep,
  canEnter,
  clusterNameProblem,
  findingsOf,
  hasErrors,
  hasWarnings,
  isWatchDone,
  nextBlocker,
} from "./cluster-wizard-steps";
import {
  useClusterStatusQuery,
  useCreateClusterMutation,
  usePreflightClusterMutation,
} from "./clusters.queries";

export interface ClusterFormationWizardProps {
  onClose: () => void;
}

/**
 * Form a cluster: choose name and members, run the pre-flight checks, create it, then watch the
 * members connect and elect a master. The rules of the steps live in cluster-wizard-steps.ts.
 */
export function ClusterFormationWizard({ onClose }: ClusterFormationWizardProps) {
  const navigate = useNavigate();
  const realms = useRealmsQuery();
  const preflight = usePreflightClusterMutation();
  const create = useCreateClusterMutation();
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [acknowledged, setAcknowledged] = useState(false);

  // In the realms' own order, so the request does not depend on the order of clicks.
  const members = (realms.data ?? []).map((r) => r.name).filter((r) => chosen.has(r));
  const state: ClusterWizardState = {
    name,
    realms: members,
    preflight: preflight.data,
    warningsAcknowledged: acknowledged,
    created: create.isSuccess,
  };
  const request: CreateClusterRequest = { name, realms: members };
  const blocked = (step: ClusterWizardStep) => nextBlocker(step, state) !== null;

  const runPreflight = () => {
    setAcknowledged(false);
    preflight.mutate(request);
  };
  // A report for another name or other members would wave the new choice through.
  const forgetPreflight = () => {
    preflight.reset();
    setAcknowledged(false);
  };

  return (
    <Modal isOpen variant="large" aria-label="Form a cluster" onEscapePress={onClose}>
      <Wizard
        height={600}
        header={
          <WizardHeader title="Form a cluster" onClose={onClose} closeButtonAriaLabel="Close" />
        }
        onClose={onClose}
        onStepChange={(_event, current) => {
          if (current.id === "preflight") runPreflight();
        }}
      >
        <WizardStep
          id="members"
          name="Members"
          isDisabled={!canEnter("members", state)}
          footer={{ isNextDisabled: blocked("members") }}
        >
          <MembersStep
            name={name}
            onNameChange={(value) => {
              setName(value);
              forgetPreflight();
            }}
            realms={realms.data}
            loadError={realms.error?.message}
            chosen={chosen}
            onToggle={(realm, checked) => {
              const next = new Set(chosen);
              if (checked) next.add(realm);
              else next.delete(realm);
              setChosen(next);
              forgetPreflight();
            }}
          />
        </WizardStep>
        <WizardStep
          id="preflight"
          name="Pre-flight"
          isDisabled={!canEnter("preflight", state)}
          footer={{ isNextDisabled: blocked("preflight") }}
        >
          <PreflightStep
            running={preflight.isPending}
            report={preflight.data}
            error={preflight.error?.message}
            acknowledged={acknowledged}
            onAcknowledge={setAcknowledged}
            onRunAgain={runPreflight}
          />
        </WizardStep>
        <WizardStep
          id="form"
          name="Form"
          isDisabled={!canEnter("form", state)}
          footer={{ isNextDisabled: blocked("form"), isBackDisabled: create.isSuccess }}
        >
          <FormStep
            request={request}
            creating={create.isPending}
            created={create.isSuccess}
            error={create.error}
            onCreate={() => create.mutate(request)}
          />
        </WizardStep>
        <WizardStep
          id="watch"
          name="Watch"
          isDisabled={!canEnter("watch", state)}
          footer={
            <WizardFooterWrapper>
              <Button
                onClick={() => {
                  navigate(`/clusters/${encodeURIComponent(name)}`);
                  onClose();
                }}
              >
                Open cluster
              </Button>
              <Button variant="link" onClick={onClose}>
                Close
              </Button>
            </WizardFooterWrapper>
          }
        >
          <WatchStep name={name} />
        </WizardStep>
      </Wizard>
    </Modal>
  );
}

interface MembersStepProps {
  name: string;
  onNameChange: (name: string) => void;
  realms: RealmSummary[] | undefined;
  loadError: string | undefined;
  chosen: ReadonlySet<string>;
  onToggle: (realm: string, checked: boolean) => void;
}

function MembersStep({
  name,
  onNameChange,
  realms,
  loadError,
  chosen,
  onToggle,
}: MembersStepProps) {
  const problem = name === "" ? undefined : clusterNameProblem(name);
  return (
    <Form onSubmit={(event) => event.preventDefault()}>
      <FormGroup label="Cluster name" fieldId="cluster-name">
        <TextInput
          id="cluster-name"
          value={name}
          onChange={(_event, value) => onNameChange(value)}
          validated={problem ? "error" : "default"}
        />
        <FormHelperText>
          <HelperText>
            <HelperTextItem variant={problem ? "error" : "default"}>
              {problem ?? "Shared by every member, e.g. east-1"}
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>
      <FormGroup label="Member realms" role="group" fieldId="cluster-realms" isStack>
        {loadError && <Alert variant="danger" isInline title={loadError} />}
        {!realms && !loadError && <Spinner size="md" aria-label="Loading realms" />}
        {realms?.length === 0 && <Content component="p">There are no realms yet.</Content>}
        {realms?.map((realm) => (
          <Checkbox
            key={realm.name}
            id={`cluster-realm-${realm.name}`}
            label={realm.name}
            isChecked={chosen.has(realm.name)}
            isDisabled={realm.cluster !== null}
            description={
              realm.cluster !== null ? `Already a member of cluster ${realm.cluster}` : undefined
            }
            onChange={(_event, checked) => onToggle(realm.name, checked)}
          />
        ))}
      </FormGroup>
    </Form>
  );
}

interface PreflightStepProps {
  running: boolean;
  report: PreflightReport | undefined;
  error: string | undefined;
  acknowledged: boolean;
  onAcknowledge: (value: boolean) => void;
  onRunAgain: () => void;
}

function PreflightStep(props: PreflightStepProps) {
  const { running, report, error, acknowledged, onAcknowledge, onRunAgain } = props;
  if (running) {
    return (
      <Content component="p">
        <Spinner size="md" aria-label="Running pre-flight checks" /> Running the pre-flight checks…
      </Content>
    );
  }
  const runAgain = (
    <Button variant="secondary" onClick={onRunAgain}>
      Run again
    </Button>
  );
  if (error || !report) {
    return (
      <>
        <Alert variant="danger" isInline title="Pre-flight did not run">
          {error}
        </Alert>
        {runAgain}
      </>
    );
  }
  return (
    <div style={{ display: "grid", gap: 16, justifyItems: "start" }}>
      {report.findings.length === 0 ? (
        <Alert variant="success" isInline title="Every check passed" />
      ) : (
        <FindingsTable findings={report.findings} />
      )}
      {hasErrors(report) && (
        <Alert variant="danger" isInline title="The cluster cannot be formed yet">
          Fix the errors above, then run the checks again.
        </Alert>
      )}
      {!hasErrors(report) && hasWarnings(report) && (
        <Checkbox
          id="preflight-acknowledge"
          label="I have read the warnings and want to go on"
          isChecked={acknowledged}
          onChange={(_event, checked) => onAcknowledge(checked)}
        />
      )}
      {runAgain}
    </div>
  );
}

interface FormStepProps {
  request: CreateClusterRequest;
  creating: boolean;
  created: boolean;
  error: Error | null;
  onCreate: () => void;
}

function FormStep({ request, creating, created, error, onCreate }: FormStepProps) {
  const { goToStepById } = useWizardContext();
  // Watch only becomes enterable on the render after creation, so move there from an effect.
  useEffect(() => {
    if (created) goToStepById("watch");
  }, [created, goToStepById]);
  const findings = findingsOf(error);
  return (
    <div style={{ display: "grid", gap: 16, justifyItems: "start" }}>
      <DescriptionList isHorizontal aria-label="Cluster to form">
        <DescriptionListGroup>
          <DescriptionListTerm>Name</DescriptionListTerm>
          <DescriptionListDescription>{request.name}</DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Members</DescriptionListTerm>
          <DescriptionListDescription>{request.realms.join(", ")}</DescriptionListDescription>
        </DescriptionListGroup>
      </DescriptionList>
      <Button onClick={onCreate} isLoading={creating} isDisabled={creating || created}>
        Create cluster
      </Button>
      {error && (
        <Alert variant="danger" isInline title="The cluster was not formed">
          {error.message}
        </Alert>
      )}
      {findings.length > 0 && <FindingsTable findings={findings} />}
    </div>
  );
}

/** Mounted only while Watch is shown: polls every second on top of the SSE updates. */
function WatchStep({ name }: { name: string }) {
  const status = useClusterStatusQuery(name, { refetchInterval: 1_000 });
  const done = isWatchDone(status.data);
  return (
    <div style={{ display: "grid", gap: 16 }}>
      {status.data && (
        <Content component="p">
          Status: <ClusterStatusLabel status={status.data.status} />
        </Content>
      )}
      {done && status.data ? (
        <Alert variant="success" isInline title="Every member is connected">
          Master: {status.data.master}
        </Alert>
      ) : (
        <Content component="p">
          <Spinner size="md" aria-label="Waiting for the cluster" /> Waiting for the members to
          connect and elect a master…
        </Content>
      )}
      {status.error && <Alert variant="warning" isInline title={status.error.message} />}
      {status.data && <ClusterMembersTable cluster={name} members={status.data.members} />}
    </div>
  );
}
