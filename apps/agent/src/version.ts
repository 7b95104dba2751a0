/** The agent's version, reported to the manager. */
export const AGENT_VERSION = "0.1.0";
