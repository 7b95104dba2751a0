import type { Router } from "express";
import type { RouteRegistry } from "../../http/route-registry.js";
import type { SecretBox } from "../../store/secrets.js";
import type { Fleet } from "../agents/fleet.js";
import { ClusterOperations } from "./cluster-operations.js";
import { encryptInterRealmKind } from "./encrypt-inter-realm.js";
import { rotateCredentialsKind } from "./rotate-credentials.js";
import { WizardEngine } from "./wizard-engine.js";
import { createWizardsRouter } from "./wizards.router.js";
import { WizardsService } from "./wizards.service.js";

/**
 * The wizards feature: the engine with the kinds this manager can run, and its routes. With
 * `resume`, wizards that were running when the manager stopped carry on; the engine stops
 * with the event bus (the manager shutting down).
 */
export function createWizards(options: {
  registry: RouteRegistry;
  fleet: Fleet;
  secrets: SecretBox | undefined;
  resume: boolean;
}): Router {
  const { fleet } = options;
  const ops = new ClusterOperations(fleet);
  const kinds = {
    "encrypt-inter-realm": encryptInterRealmKind({ ops, secrets: options.secrets }),
    "rotate-credentials": rotateCredentialsKind({ ops, secrets: options.secrets }),
  };
  const engine = new WizardEngine({ db: fleet.db, bus: fleet.bus, logger: fleet.logger, kinds });
  fleet.bus.onClose(() => {
    void engine.stop();
  });
  if (options.resume) {
    engine
      .start()
      .catch((error: unknown) => fleet.logger.error("wizards did not resume", { error }));
  }
  return createWizardsRouter({
    registry: options.registry,
    service: new WizardsService(fleet.db, engine, kinds),
  });
}
