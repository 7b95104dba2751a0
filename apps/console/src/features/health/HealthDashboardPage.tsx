import { PageSection, Title } from "@patternfly/react-core";

/** Placeholder: filled in by the console issue's next increment. */
export function HealthDashboardPage() {
  return (
    <PageSection>
      <Title headingLevel="h1">Health</Title>
    </PageSection>
  );
}
