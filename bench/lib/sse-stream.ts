import { type ClientRequest, request } from "node:http";

/** One Server-Sent Event as received, with the local time it arrived. */
export interface SseMessage {
  event: string;
  data: string;
  receivedAt: number;
}

/**
 * Subscribes to a text/event-stream and calls `onMessage` for each event (performance.now()
 * timestamps). Returns a function that closes the stream.
 */
export function openSse(
  url: string,
  headers: Record<string, string>,
  onMessage: (message: SseMessage) => void,
): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    let req: ClientRequest | undefined;
    req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        headers: { ...headers, accept: "text/event-stream" },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`SSE answered ${res.statusCode}`));
          return;
        }
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (chunk: string) => {
          const receivedAt = performance.now();
          buffer += chunk;
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = "message";
            const data: string[] = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) event = line.slice(6).trim();
              else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
            }
            if (data.length) onMessage({ event, data: data.join("\n"), receivedAt });
            end = buffer.indexOf("\n\n");
          }
        });
        resolve(() => req?.destroy());
      },
    );
    req.on("error", reject);
    req.end();
  });
}
