import { Alert, Button, CodeBlock, CodeBlockCode, Spinner } from "@patternfly/react-core";
import { useHasRole } from "../session/session.queries";
import { useRealmLogsQuery } from "./realms.queries";

/** Logs tab: the last lines the realm's process wrote (operators and admins only). */
export function RealmLogsTab({ realm }: { realm: string }) {
  const allowed = useHasRole("operator");
  const { data, error, isFetching, refetch } = useRealmLogsQuery(realm, allowed);
  if (!allowed) {
    return <Alert variant="info" isInline title="Realm logs are shown to operators and admins." />;
  }
  if (error) return <Alert variant="danger" isInline title={error.message} />;
  return (
    <>
      <Button variant="secondary" onClick={() => void refetch()} isLoading={isFetching}>
        Reload logs
      </Button>
      {data ? (
        <CodeBlock aria-label={`Logs of ${realm}`}>
          <CodeBlockCode>{data.lines.join("\n") || "(no output yet)"}</CodeBlockCode>
        </CodeBlock>
      ) : (
        <Spinner aria-label="Loading logs" />
      )}
    </>
  );
}
