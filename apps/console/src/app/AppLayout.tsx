import {
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadMain,
  Page,
  PageSidebar,
  PageSidebarBody,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from "@patternfly/react-core";
import { Suspense } from "react";
import { Outlet } from "react-router";
import { useLiveEvents } from "../features/events/useLiveEvents";
import { EnterpriseTree } from "../features/navigation/EnterpriseTree";
import { useLogoutMutation, useSessionQuery } from "../features/session/session.queries";

/** The frame of every signed-in page: masthead with the user, the tree, the page. */
export function AppLayout() {
  const session = useSessionQuery();
  const logout = useLogoutMutation();
  useLiveEvents(Boolean(session.data));
  const user = session.data?.user;

  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadBrand>
          <strong style={{ color: "var(--pf-t--global--text--color--regular)", fontSize: 20 }}>
            Conclave
          </strong>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight>
          <ToolbarContent>
            <ToolbarGroup align={{ default: "alignEnd" }}>
              <ToolbarItem>
                {user && (
                  <span>
                    {user.username} ({user.role})
                  </span>
                )}
              </ToolbarItem>
              <ToolbarItem>
                <Button variant="secondary" onClick={() => logout.mutate()}>
                  Log out
                </Button>
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <nav aria-label="Enterprise navigation">
          <EnterpriseTree />
        </nav>
      </PageSidebarBody>
    </PageSidebar>
  );
  return (
    // The main region scrolls on long pages: keyboard users must be able to focus it to scroll.
    <Page masthead={masthead} sidebar={sidebar} mainTabIndex={0}>
      <Suspense fallback={<Spinner aria-label="Loading page" />}>
        <Outlet />
      </Suspense>
    </Page>
  );
}
