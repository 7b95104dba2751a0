import { Alert, PageSection, Tab, Tabs, TabTitleText, Title } from "@patternfly/react-core";
import { useNavigate, useParams } from "react-router";
import { InterfacesTab } from "../interfaces/InterfacesTab";
import { RealmClusterTab } from "./RealmClusterTab";
import { RealmLogsTab } from "./RealmLogsTab";
import { RealmStateLabel } from "./RealmStateLabel";
import { RealmStatusTab } from "./RealmStatusTab";
import { useRealmQuery } from "./realms.queries";

type RealmTab = "status" | "comms" | "cluster" | "logs";

/** One realm, with Enterprise Manager's tabs: Status, Comms > Interfaces, Cluster, Logs. */
export function RealmPage() {
  const { realm = "", tab = "status" } = useParams();
  const navigate = useNavigate();
  const detail = useRealmQuery(realm);
  const active = (
    ["status", "comms", "cluster", "logs"].includes(tab) ? tab : "status"
  ) as RealmTab;
  const go = (key: RealmTab) =>
    navigate(`/realms/${encodeURIComponent(realm)}/${key === "comms" ? "comms/interfaces" : key}`);

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">
          {realm} {detail.data && <RealmStateLabel state={detail.data.state} />}
        </Title>
        {detail.data && (
          <p>
            Host {detail.data.host} ·{" "}
            {detail.data.cluster ? `cluster ${detail.data.cluster}` : "not clustered"}
          </p>
        )}
        {detail.error && <Alert variant="danger" isInline title={detail.error.message} />}
      </PageSection>
      <PageSection>
        <Tabs
          activeKey={active}
          onSelect={(_e, key) => go(key as RealmTab)}
          aria-label={`Realm ${realm}`}
          mountOnEnter
          unmountOnExit
        >
          <Tab eventKey="status" title={<TabTitleText>Status</TabTitleText>}>
            <div style={{ paddingTop: 16 }}>
              <RealmStatusTab realm={realm} />
            </div>
          </Tab>
          <Tab eventKey="comms" title={<TabTitleText>Comms</TabTitleText>}>
            <Tabs activeKey="interfaces" isSubtab aria-label="Comms" style={{ marginTop: 8 }}>
              <Tab eventKey="interfaces" title={<TabTitleText>Interfaces</TabTitleText>}>
                <div style={{ paddingTop: 16 }}>
                  <InterfacesTab realm={realm} />
                </div>
              </Tab>
            </Tabs>
          </Tab>
          <Tab eventKey="cluster" title={<TabTitleText>Cluster</TabTitleText>}>
            <div style={{ paddingTop: 16 }}>
              <RealmClusterTab realm={realm} />
            </div>
          </Tab>
          <Tab eventKey="logs" title={<TabTitleText>Logs</TabTitleText>}>
            <div style={{ paddingTop: 16 }}>
              <RealmLogsTab realm={realm} />
            </div>
          </Tab>
        </Tabs>
      </PageSection>
    </>
  );
}
