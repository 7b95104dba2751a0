/** A request the supervisor cannot carry out, with a message for the operator. */
export class SupervisorError extends Error {
  constructor(
    readonly code: "REALM_EXISTS" | "REALM_NOT_FOUND" | "NO_IDENTITY",
    message: string,
  ) {
    super(message);
    this.name = "SupervisorError";
  }
}
