import type { HealthSummary } from "@conclave/protocol";
import { Card, CardBody, CardTitle, Gallery } from "@patternfly/react-core";

/** Agents, realms and interfaces at a glance. */
export function HealthSummaryCards({ summary }: { summary: HealthSummary }) {
  const { agents, realms, interfaces } = summary;
  const cards = [
    { title: "Agents connected", value: `${agents.connected}/${agents.total}` },
    { title: "Realms running", value: `${realms.running}/${realms.total}` },
    {
      title: "Interfaces",
      value: `${interfaces.running} running · ${interfaces.stopped} stopped · ${interfaces.error} error`,
    },
  ];
  return (
    <Gallery hasGutter minWidths={{ default: "220px" }}>
      {cards.map((card) => (
        <Card key={card.title} isCompact>
          <CardTitle component="h3">{card.title}</CardTitle>
          <CardBody>
            <span style={{ fontSize: "var(--pf-t--global--font--size--heading--md)" }}>
              {card.value}
            </span>
          </CardBody>
        </Card>
      ))}
    </Gallery>
  );
}
