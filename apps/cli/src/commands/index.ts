import type { Command } from "../command.js";
import { agentsCommands } from "./agents.commands.js";
import { auditCommands } from "./audit.commands.js";
import { clustersCommands } from "./clusters.commands.js";
import { healthCommands } from "./health.commands.js";
import { interfacesCommands } from "./interfaces.commands.js";
import { keystoresCommands } from "./keystores.commands.js";
import { pkiCommands } from "./pki.commands.js";
import { realmsCommands } from "./realms.commands.js";
import { sessionCommands } from "./session.commands.js";
import { wizardCommands } from "./wizard.commands.js";

/** Every command, in the order `conclave --help` lists them. */
export const commands: readonly Command[] = [
  ...sessionCommands,
  ...healthCommands,
  ...realmsCommands,
  ...interfacesCommands,
  ...keystoresCommands,
  ...pkiCommands,
  ...clustersCommands,
  ...auditCommands,
  ...agentsCommands,
  ...wizardCommands,
];
