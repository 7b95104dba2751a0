import type { WizardStep } from "@conclave/protocol";
import {
  Alert,
  Button,
  EmptyState,
  Grid,
  GridItem,
  ProgressStep,
  ProgressStepper,
  Spinner,
  Title,
} from "@patternfly/react-core";
import { CheckCircleIcon, ExclamationCircleIcon, UndoIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import type { ReactNode } from "react";
import { formatTime } from "./format-time";
import { STEP_VIEW, type StepView } from "./wizard-view";

export interface WizardStepsProps {
  steps: WizardStep[];
  /** The step whose evidence is shown. */
  selected: string | undefined;
  onSelect: (name: string) => void;
}

function stepIcon(icon: StepView["icon"], title: string): ReactNode {
  switch (icon) {
    case "spinner":
      return <Spinner size="md" aria-label={`${title} is running`} />;
    case "check":
      return <CheckCircleIcon />;
    case "error":
      return <ExclamationCircleIcon />;
    case "undo":
      return <UndoIcon />;
    default:
      return undefined;
  }
}

/**
 * The wizard's steps as a read-only PatternFly progress stepper (the server drives them, the
 * operator only watches), and the selected step's evidence and error beside it.
 */
export function WizardSteps({ steps, selected, onSelect }: WizardStepsProps) {
  const current = steps.find((s) => s.name === selected);
  return (
    <Grid hasGutter>
      <GridItem md={4}>
        <ProgressStepper isVertical aria-label="Wizard steps">
          {steps.map((step) => {
            const view = STEP_VIEW[step.status];
            return (
              <ProgressStep
                key={step.name}
                id={`wizard-step-${step.name}`}
                titleId={`wizard-step-${step.name}-title`}
                variant={view.variant}
                icon={stepIcon(view.icon, step.title)}
                isCurrent={step.name === selected}
                aria-label={`${step.title}: ${view.text}`}
                description={view.text}
              >
                <Button variant="link" isInline onClick={() => onSelect(step.name)}>
                  {step.title}
                </Button>
              </ProgressStep>
            );
          })}
        </ProgressStepper>
      </GridItem>
      <GridItem md={8}>
        {current ? <StepDetails step={current} /> : <EmptyState titleText="No steps yet" />}
      </GridItem>
    </Grid>
  );
}

function StepDetails({ step }: { step: WizardStep }) {
  return (
    <>
      <Title headingLevel="h2">{step.title}</Title>
      <p>
        {STEP_VIEW[step.status].text} · started {formatTime(step.startedAt)} · finished{" "}
        {formatTime(step.finishedAt)}
      </p>
      {step.error && (
        <Alert variant="danger" isInline title={`${step.title} failed`}>
          {step.error}
        </Alert>
      )}
      {step.evidence.length === 0 ? (
        <p>No evidence recorded yet.</p>
      ) : (
        <Table aria-label={`Evidence of ${step.title}`} variant="compact">
          <Thead>
            <Tr>
              <Th>Time</Th>
              <Th>Realm</Th>
              <Th>Message</Th>
            </Tr>
          </Thead>
          <Tbody>
            {step.evidence.map((item, i) => (
              // Evidence is append-only, so the index is a stable key.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <Tr key={i}>
                <Td dataLabel="Time">{formatTime(item.at)}</Td>
                <Td dataLabel="Realm">{item.realm ?? "—"}</Td>
                <Td dataLabel="Message" modifier="breakWord">
                  {item.message}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </>
  );
}
