/** An operator's explanation of why a listener could not bind. */
export function describeListenError(
  error: NodeJS.ErrnoException,
  bindAddress: string,
  port: number,
): string {
  switch (error.code) {
    case "EADDRINUSE":
      return `Port ${port} on ${bindAddress} is already in use`;
    case "EACCES":
    case "EPERM":
      return `Not permitted to listen on port ${port} on ${bindAddress}${port < 1024 ? " (ports below 1024 need privileges)" : ""}`;
    case "EADDRNOTAVAIL":
      return `Bind address ${bindAddress} is not an address of this host`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return `Bind address ${bindAddress} cannot be resolved`;
    default:
      return `Cannot listen on ${bindAddress}:${port}: ${error.message}`;
  }
}
