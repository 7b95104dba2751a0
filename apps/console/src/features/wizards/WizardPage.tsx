import type { WizardAction, WizardState } from "@conclave/protocol";
import { Alert, Button, PageSection, Progress, Spinner, Title } from "@patternfly/react-core";
import { DownloadIcon } from "@patternfly/react-icons";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError } from "../../api/client";
import { FindingsTable } from "../../components/FindingsTable";
import { useHasRole } from "../session/session.queries";
import { formatTime } from "./format-time";
import { WizardActions } from "./WizardActions";
import { WizardReportTable } from "./WizardReportTable";
import { WizardStateLabel } from "./WizardStateLabel";
import { WizardSteps } from "./WizardSteps";
import { availableActions, defaultStepName, progressPercent, WIZARD_TITLE } from "./wizard-view";
import { fetchWizardReport, useWizardActionMutation, useWizardQuery } from "./wizards.queries";

/**
 * One wizard (/wizards/:id), drawn entirely from the manager's state: any browser can watch a
 * wizard another one started, and `wizard.progress` events keep every one of them current.
 */
export function WizardPage() {
  const id = useParams().id ?? "";
  const wizard = useWizardQuery(id);
  const action = useWizardActionMutation(id);
  const canOperate = useHasRole("operator");
  const [picked, setPicked] = useState<string | undefined>();
  const [download, setDownload] = useState<{ busy: boolean; error?: string }>({ busy: false });

  if (wizard.isPending) {
    return (
      <PageSection>
        <Title headingLevel="h1">Wizard</Title>
        <Spinner aria-label="Loading wizard" />
      </PageSection>
    );
  }
  if (wizard.error) {
    const missing = wizard.error instanceof ApiError && wizard.error.status === 404;
    return (
      <PageSection>
        <Title headingLevel="h1">Wizard</Title>
        <Alert
          variant="danger"
          isInline
          title={missing ? `There is no wizard ${id}` : wizard.error.message}
        />
      </PageSection>
    );
  }

  const w = wizard.data;
  const actions = availableActions(w.state, canOperate);
  const selected = w.steps.some((s) => s.name === picked) ? picked : defaultStepName(w.steps);
  const warnings = w.findings.filter((f) => f.severity === "warning" && !f.acknowledged);
  const run = (name: WizardAction) => action.mutate({ action: name });
  const percent = progressPercent(w.state, w.steps);

  const saveReport = async () => {
    setDownload({ busy: true });
    try {
      const report = await fetchWizardReport(w.id);
      downloadJson(report, `wizard-${w.id}-report.json`);
      setDownload({ busy: false });
    } catch (error) {
      setDownload({ busy: false, error: (error as Error).message });
    }
  };

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">
          {WIZARD_TITLE[w.kind]}: {w.cluster}
        </Title>
        <div style={{ display: "flex", gap: 16, alignItems: "center", marginTop: 8 }}>
          <WizardStateLabel state={w.state} />
          <span>
            Cluster <Link to={`/clusters/${encodeURIComponent(w.cluster)}`}>{w.cluster}</Link>
          </span>
          <span>
            Started by {w.createdBy} at {formatTime(w.createdAt)}
          </span>
        </div>
        <Progress
          value={percent}
          title="Progress"
          aria-label="Wizard progress"
          variant={w.state === "failed" || w.state === "blocked" ? "danger" : undefined}
          style={{ marginTop: 16 }}
        />
        <WizardActions state={w.state} actions={actions} busy={action.isPending} onAction={run} />
        {action.error && (
          <Alert variant="danger" isInline title="The manager refused the action">
            {action.error.message}
          </Alert>
        )}
        <StateExplanation state={w.state} />
      </PageSection>

      {w.findings.length > 0 && (
        <PageSection>
          <Title headingLevel="h2">Pre-flight findings</Title>
          <FindingsTable findings={w.findings} withAcknowledged />
          {actions.includes("acknowledge") && warnings.length > 0 && (
            <Button
              style={{ marginTop: 16 }}
              isLoading={action.isPending}
              isDisabled={action.isPending}
              // Exactly the warnings on screen: one that appears later needs its own look.
              onClick={() =>
                action.mutate({ action: "acknowledge", findings: warnings.map((f) => f.id) })
              }
            >
              Acknowledge warnings and continue
            </Button>
          )}
        </PageSection>
      )}

      <PageSection>
        <Title headingLevel="h2">Steps</Title>
        <WizardSteps steps={w.steps} selected={selected} onSelect={setPicked} />
      </PageSection>

      {w.state === "completed" && w.report && (
        <PageSection>
          <Title headingLevel="h2">Report</Title>
          <WizardReportTable report={w.report} />
          <Button
            variant="secondary"
            icon={<DownloadIcon />}
            style={{ marginTop: 16 }}
            isLoading={download.busy}
            onClick={saveReport}
          >
            Download report
          </Button>
          {download.error && (
            <Alert variant="danger" isInline title="The report was not downloaded">
              {download.error}
            </Alert>
          )}
        </PageSection>
      )}
    </>
  );
}

/** What the state means for the cluster and what the operator can do next. */
function StateExplanation({ state }: { state: WizardState }) {
  switch (state) {
    case "blocked":
      return (
        <Alert variant="danger" isInline title="Pre-flight found errors: nothing was changed">
          No realm was touched. Fix each error as its "How to fix" says, then cancel this wizard and
          start a new one.
        </Alert>
      );
    case "awaitingAcknowledgement":
      return (
        <Alert variant="warning" isInline title="Pre-flight found warnings">
          Nothing has been changed yet. Read the warnings below; the wizard goes on once they are
          acknowledged.
        </Alert>
      );
    case "failed":
      return (
        <Alert variant="danger" isInline title="A step failed">
          Resume retries the failed step; Roll back returns every realm to its previous
          configuration.
        </Alert>
      );
    case "paused":
      return (
        <Alert variant="info" isInline title="Paused">
          The wizard stopped before its next step. The cluster keeps serving clients.
        </Alert>
      );
    default:
      return null;
  }
}

function downloadJson(data: unknown, fileName: string): void {
  const url = URL.createObjectURL(
    new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }),
  );
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
