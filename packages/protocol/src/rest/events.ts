import { z } from "zod";
import { InterfaceStateSchema } from "../realm/status.js";
import { ClusterHealthSchema } from "./clusters.js";
import { RealmStateSchema } from "./realms.js";
import { WizardKindSchema, WizardStateSchema } from "./wizards.js";

/**
 * What GET /api/v1/events streams (Server-Sent Events). Each message's `event:` field is the
 * `type`, its `data:` the JSON of the whole event.
 */
export const ManagerEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("realm.state"),
    at: z.iso.datetime(),
    realm: z.string(),
    agent: z.string(),
    state: RealmStateSchema,
    previous: RealmStateSchema.nullable(),
    pid: z.number().int().nullable(),
  }),
  z.object({
    type: z.literal("interface.state"),
    at: z.iso.datetime(),
    realm: z.string(),
    alias: z.string(),
    status: InterfaceStateSchema,
    previous: InterfaceStateSchema.nullable(),
    error: z.string().nullable(),
  }),
  z.object({
    type: z.literal("agent.connection"),
    at: z.iso.datetime(),
    agent: z.string(),
    connected: z.boolean(),
  }),
  z.object({
    type: z.literal("agent.drift"),
    at: z.iso.datetime(),
    agent: z.string(),
    changes: z.number().int(),
  }),
  z.object({
    /** The desired state changed (a realm or interface was created, changed or deleted). */
    type: z.literal("config.changed"),
    at: z.iso.datetime(),
    resource: z.enum(["agent", "realm", "interface", "cluster"]),
    action: z.string(),
    name: z.string(),
  }),
  z.object({
    /**
     * A cluster's status, master or member states changed (derived from the agents' reports;
     * see GET /api/v1/clusters/{name}/status).
     */
    type: z.literal("cluster.status"),
    at: z.iso.datetime(),
    cluster: z.string(),
    status: ClusterHealthSchema,
    previous: ClusterHealthSchema.nullable(),
    master: z.string().nullable(),
    connectedServers: z.number().int(),
    disconnectedServers: z.number().int(),
    members: z.array(z.object({ realm: z.string(), state: z.string() })),
  }),
  z.object({
    /** A wizard changed state or one of its steps changed status (GET /api/v1/wizards/{id}). */
    type: z.literal("wizard.progress"),
    at: z.iso.datetime(),
    id: z.string(),
    kind: WizardKindSchema,
    cluster: z.string(),
    state: WizardStateSchema,
    /** The step that changed, if one. */
    step: z.string().nullable(),
  }),
]);
export type ManagerEvent = z.infer<typeof ManagerEventSchema>;
