import { PageSection, Title } from "@patternfly/react-core";

/** Placeholder: filled in by the console issue's next increment. */
export function ClusterPage() {
  return (
    <PageSection>
      <Title headingLevel="h1">Cluster</Title>
    </PageSection>
  );
}
