import {
  Alert,
  EmptyState,
  EmptyStateBody,
  Flex,
  Label,
  PageSection,
  Spinner,
  Stack,
  StackItem,
  Title,
} from "@patternfly/react-core";
import { CertificateExpiryTable } from "./CertificateExpiryTable";
import { ClockSkewTable } from "./ClockSkewTable";
import { ClusterCard } from "./ClusterCard";
import { DefaultCredentialsCard } from "./DefaultCredentialsCard";
import { HealthSummaryCards } from "./HealthSummaryCards";
import { useHealthSummaryQuery } from "./health.queries";

/**
 * The operator's overview: counts, default or demo credentials in use, every cluster with its
 * topology, certificates about to expire and agents' clock skew. Live events refresh it (see features/events/keys-for-event.ts).
 */
export function HealthDashboardPage() {
  const { data, error, isPending } = useHealthSummaryQuery();
  return (
    <>
      <PageSection>
        <Flex alignItems={{ default: "alignItemsCenter" }}>
          <Title headingLevel="h1">Health</Title>
          {data && (
            <Label color={data.status === "ok" ? "green" : "orange"}>
              {data.status === "ok" ? "OK" : "Degraded"}
            </Label>
          )}
        </Flex>
      </PageSection>
      <PageSection>
        {isPending && <Spinner aria-label="Loading the health summary" />}
        {error && <Alert variant="danger" isInline title={error.message} />}
        {data && (
          <Stack hasGutter>
            <StackItem>
              <HealthSummaryCards summary={data} />
            </StackItem>
            {data.defaultCredentials.length > 0 && (
              <StackItem>
                <DefaultCredentialsCard credentials={data.defaultCredentials} />
              </StackItem>
            )}
            <StackItem>
              <Title headingLevel="h2">Clusters</Title>
            </StackItem>
            {data.clusters.length === 0 && (
              <StackItem>
                <EmptyState titleText="No clusters yet" headingLevel="h3">
                  <EmptyStateBody>
                    Form a cluster from realms with an interface allowed for InterRealm.
                  </EmptyStateBody>
                </EmptyState>
              </StackItem>
            )}
            {data.clusters.map((cluster) => (
              <StackItem key={cluster.name}>
                <ClusterCard cluster={cluster} />
              </StackItem>
            ))}
            <StackItem>
              <Title headingLevel="h2">Certificate expiry</Title>
            </StackItem>
            <StackItem>
              <CertificateExpiryTable certificates={data.certificates} />
            </StackItem>
            <StackItem>
              <Title headingLevel="h2">Clock skew</Title>
            </StackItem>
            <StackItem>
              <ClockSkewTable agents={data.clockSkew} />
            </StackItem>
          </Stack>
        )}
      </PageSection>
    </>
  );
}
