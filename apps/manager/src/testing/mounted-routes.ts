import type { Express } from "express";

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: unknown;
  slash?: boolean;
}

/**
 * Every route Express will answer, found by walking the app's router stack (Express 5 /
 * router 2 internals: `layer.route`, `layer.rawPath`, `layer.slash`). Tests compare this with
 * the route registry so that nothing is mounted around it.
 */
export function mountedRoutes(app: Express): { method: string; path: string }[] {
  const found: { method: string; path: string }[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== "_all") found.push({ method, path: `${prefix}${layer.route.path}` });
        }
      } else if (layer.handle.stack) {
        if (!layer.slash && typeof layer.rawPath !== "string") {
          throw new Error(
            "A router is mounted on a non-string path; mountedRoutes cannot follow it",
          );
        }
        walk(layer.handle.stack, layer.slash ? prefix : `${prefix}${layer.rawPath as string}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, "");
  return found;
}
