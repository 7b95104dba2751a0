import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  type AppendFrame,
  type AppendReplyFrame,
  ClusterConfigSchema,
  type VoteReplyFrame,
  type VoteRequestFrame,
} from "@conclave/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChannelStore } from "../channels/channel-store.js";
import type { Logger } from "../logger.js";
import { ClusterNode } from "./cluster-node.js";

/** The parts of a node these tests drive directly, in place of its timer and its links. */
interface NodeInternals {
  tick(): void;
  becomeMaster(): void;
  onAppendReply(link: { peer: string }, reply: AppendReplyFrame): void;
  onVoteReply(link: { peer: string }, reply: VoteReplyFrame): void;
  onVoteRequest(link: unknown, request: VoteRequestFrame): Promise<void>;
  onAppend(link: unknown, frame: AppendFrame): void;
  followers: Map<string, { lastReplyAt: number }>;
  state: { currentTerm: number };
  links: { stop(reason: string): void };
  stateFile: { save(read: unknown): Promise<void> };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function publicKeyPem(): string {
  return generateKeyPairSync("ed25519")
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();
}

/** Realm a of cluster {a, b, c}; b and c are never dialled. */
async function realmOfThree(): Promise<{ node: ClusterNode; internals: NodeInternals }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "cluster-node-"));
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const identity = {
    privateKey,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    fingerprintSha256: createHash("sha256")
      .update(publicKey.export({ type: "spki", format: "der" }))
      .digest("hex"),
  };
  const config = ClusterConfigSchema.parse({
    name: "c1",
    members: [
      { name: "a", publicKey: identity.publicKeyPem },
      { name: "b", publicKey: publicKeyPem() },
      { name: "c", publicKey: publicKeyPem() },
    ],
  });
  const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
  const node = await ClusterNode.start({
    realmName: "a",
    dataDir,
    config,
    identity,
    logger: quiet,
    store: {} as ChannelStore,
    fsync: false,
    maxFrameBytes: 1024 * 1024,
  });
  cleanups.push(async () => {
    await node.stop("test over");
    await rm(dataDir, { recursive: true, force: true });
  });
  return { node, internals: node as unknown as NodeInternals };
}

/** Realm a of cluster {a, b, c}, made master of term 1. */
async function masterOfThree(): Promise<{ node: ClusterNode; internals: NodeInternals }> {
  const { node, internals } = await realmOfThree();
  internals.state.currentTerm = 1;
  internals.becomeMaster();
  return { node, internals };
}

/** What a stall leaves behind: the last replies the master has read are over a second old. */
function stall(internals: NodeInternals): void {
  for (const progress of internals.followers.values()) {
    progress.lastReplyAt = performance.now() - 1_000;
  }
}

const reply = (term: number): AppendReplyFrame => ({
  type: "append-reply",
  term,
  success: true,
  matchIndex: 0,
  lastIndex: 0,
  prevIndex: 0,
});

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

type SentFrame = { type: string } & Record<string, unknown>;
type MemoryLink = ReturnType<typeof memoryLink>;

/** An established link to `peer` held in memory: what the node sends on it goes to `sent`. */
function memoryLink(peer: string, sent: (frame: SentFrame) => void) {
  return {
    peer,
    isUp: true,
    connection: {
      queuedBytes: 0,
      sendFrame: (frame: SentFrame) => sent(frame),
      sendJson: (json: string) => sent(JSON.parse(json) as SentFrame),
      whenDrained: () => {},
    },
  };
}

/** Puts in-memory links in place of the node's link layer (which stops dialling). */
function linkInMemory(internals: NodeInternals, links: MemoryLink[]): void {
  internals.links.stop("the test links the realms in memory");
  const byPeer = new Map(links.map((link) => [link.peer, link]));
  Object.assign(internals, {
    links: {
      active: (peer: string) => byPeer.get(peer),
      linkedPeers: () => new Set(byPeer.keys()),
      status: () => [],
      refusalList: () => [],
      stop: () => {},
    },
  });
}

describe("a master after a stall", () => {
  it("stays master when a follower's reply was waiting to be read behind the overdue timer", async () => {
    const { node, internals } = await masterOfThree();
    stall(internals);
    // Node runs the overdue tick first, then reads the socket that holds b's reply.
    internals.tick();
    internals.onAppendReply({ peer: "b" }, reply(1));
    await nextTurn();
    expect(node.status()).toMatchObject({ role: "master", master: "a", term: 1 });
  });

  it("steps down when no reply from a quorum was waiting either", async () => {
    const { node, internals } = await masterOfThree();
    stall(internals);
    internals.tick();
    await nextTurn();
    expect(node.status()).toMatchObject({ role: "follower", master: null, term: 1 });
  });
});

describe("an election on a slow disk", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("waits for votes that come back after the usual timeout because every vote is saved first", async () => {
    vi.useFakeTimers({
      // setImmediate stays real: the log's group commit and the node's decisions use it.
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
    });
    vi.spyOn(performance, "now").mockImplementation(() => Date.now());
    // Election timeouts at the top of their range (1,200 ms), the worst case for this test.
    vi.spyOn(Math, "random").mockReturnValue(0.999);
    const { node, internals } = await realmOfThree();
    // b and c are linked (in memory); the vote requests a sends them are kept here.
    const requests: { peer: string; frame: VoteRequestFrame }[] = [];
    const keep = (peer: string) => (frame: SentFrame) => {
      if (frame.type === "vote-request") requests.push({ peer, frame: frame as VoteRequestFrame });
    };
    const peers = new Map(["b", "c"].map((peer) => [peer, memoryLink(peer, keep(peer))]));
    linkInMemory(internals, [...peers.values()]);
    // Every save of the term and vote takes 700 ms (a busy disk's fsyncs).
    const saveMs = 700;
    const save = internals.stateFile.save.bind(internals.stateFile);
    internals.stateFile.save = () => new Promise((resolve) => setTimeout(resolve, saveMs));
    cleanups.push(async () => {
      internals.stateFile.save = save;
    });

    // b and c have no master, so they grant every pre-vote at once; b grants the real vote
    // once it has saved it, 1,250 ms after a asked (its save, the round trip, a busy CPU).
    let answered = 0;
    let askedAt: number | undefined;
    const run = async (untilMs: number) => {
      const end = Date.now() + untilMs;
      while (Date.now() < end) {
        await vi.advanceTimersByTimeAsync(25);
        await nextTurn();
        for (const { peer, frame } of requests.slice(answered)) {
          answered++;
          if (frame.pre) {
            internals.onVoteReply(peers.get(peer)!, {
              type: "vote-reply",
              term: frame.term - 1,
              granted: true,
              pre: true,
            });
          } else if (peer === "b") askedAt ??= Date.now();
        }
      }
    };
    await run(1_300 + saveMs);
    expect(askedAt).toBeDefined();
    expect(node.status()).toMatchObject({ role: "candidate", term: 1 });
    await run(askedAt! + 1_250 - Date.now());
    internals.onVoteReply(peers.get("b")!, {
      type: "vote-reply",
      term: 1,
      granted: true,
      pre: false,
    });

    // Ending the election at the usual timeout would have started term 2 before this answer.
    expect(node.status()).toMatchObject({ role: "master", master: "a", term: 1 });
    expect(requests.filter((r) => r.frame.term > 1)).toEqual([]);
  });
});

describe("a follower's forwarded publish", () => {
  it("is sent again when the master it went to is master again in a new term, so its client gets an answer", async () => {
    const { node, internals } = await realmOfThree();
    const forwards: string[] = [];
    const b = memoryLink("b", (frame) => {
      if (frame.type === "forward") forwards.push(frame.eventId as string);
    });
    linkInMemory(internals, [b]);
    const heartbeat = (term: number): AppendFrame => ({
      type: "append",
      term,
      master: "b",
      prevIndex: 0,
      prevTerm: 0,
      commit: 0,
      entries: [],
    });
    internals.onAppend(b, heartbeat(1));
    const answers: unknown[] = [];
    node.publish("orders", "order-1", "eA==", undefined, (error, outcome) =>
      answers.push(error ?? outcome),
    );
    expect(forwards).toEqual(["order-1"]);

    // b steps down (dropping what it had not answered), asks for votes and wins term 2.
    await internals.onVoteRequest(b, {
      type: "vote-request",
      term: 2,
      candidate: "b",
      lastIndex: 0,
      lastTerm: 0,
      pre: false,
    });
    internals.onAppend(b, heartbeat(2));
    expect(forwards).toEqual(["order-1", "order-1"]);
    // A heartbeat of the same term sends nothing again.
    internals.onAppend(b, heartbeat(2));
    expect(forwards).toHaveLength(2);
    expect(answers).toEqual([]);
  });
});

describe("a follower's forwarded publishes when another realm becomes master", () => {
  it("go to the new master at once, not after the old one answers", async () => {
    const { node, internals } = await realmOfThree();
    const forwards: string[] = [];
    const keep = (peer: string) => (frame: SentFrame) => {
      if (frame.type === "forward") forwards.push(`${peer}:${frame.eventId}`);
    };
    const b = memoryLink("b", keep("b"));
    const c = memoryLink("c", keep("c"));
    linkInMemory(internals, [b, c]);
    const heartbeat = (master: string, term: number): AppendFrame => ({
      type: "append",
      term,
      master,
      prevIndex: 0,
      prevTerm: 0,
      commit: 0,
      entries: [],
    });
    internals.onAppend(b, heartbeat("b", 1));
    for (const id of ["order-1", "order-2"]) {
      node.publish("orders", id, "eA==", undefined, () => {});
    }
    expect(forwards).toEqual(["b:order-1", "b:order-2"]);

    // b, still linked, is no longer master: c is, in term 2.
    internals.onAppend(c, heartbeat("c", 2));
    expect(forwards.slice(2)).toEqual(["c:order-1", "c:order-2"]);
  });
});

describe("a follower's forwarded publishes while its link to the master moves", () => {
  type Internals = NodeInternals & {
    onForwardReply(frame: {
      type: "forward-reply";
      id: number;
      eventId: string;
      seq?: number;
    }): void;
    onLinkDown(link: unknown, stillLinked: boolean): void;
  };

  /** A follower of b whose link to b can be swapped for a new one, as a link move does. */
  async function followerMovingLink() {
    const { node, internals } = await realmOfThree();
    const sent: { link: string; id: number; eventId: string }[] = [];
    const link = (name: string) =>
      memoryLink("b", (frame) => {
        if (frame.type === "forward") {
          sent.push({ link: name, id: frame.id as number, eventId: frame.eventId as string });
        }
      });
    const oldLink = link("old");
    const newLink = link("new");
    let active = oldLink;
    internals.links.stop("the test links the realms in memory");
    Object.assign(internals, {
      links: {
        active: (peer: string) => (peer === "b" ? active : undefined),
        linkedPeers: () => new Set(["b"]),
        status: () => [],
        refusalList: () => [],
        stop: () => {},
      },
    });
    internals.onAppend(oldLink, {
      type: "append",
      term: 1,
      master: "b",
      prevIndex: 0,
      prevTerm: 0,
      commit: 0,
      entries: [],
    });
    const publish = (eventId: string) =>
      node.publish("orders", eventId, "eA==", undefined, () => {});
    const move = () => {
      active = newLink;
    };
    return { internals: internals as Internals, sent, publish, move, oldLink };
  }

  it("hold later publishes until the old link's forwards are answered, so the master stores them in order", async () => {
    const { internals, sent, publish, move } = await followerMovingLink();
    publish("order-1");
    move();
    publish("order-2");
    // order-2 on the new link could reach the master before order-1 on the old one.
    expect(sent.map((s) => `${s.link}:${s.eventId}`)).toEqual(["old:order-1"]);
    internals.onForwardReply({
      type: "forward-reply",
      id: sent[0]!.id,
      eventId: "order-1",
      seq: 1,
    });
    expect(sent.map((s) => `${s.link}:${s.eventId}`)).toEqual(["old:order-1", "new:order-2"]);
  });

  it("send the old link's unanswered forwards again ahead of the held ones when it closes", async () => {
    const { internals, sent, publish, move, oldLink } = await followerMovingLink();
    publish("order-1");
    move();
    publish("order-2");
    oldLink.isUp = false;
    internals.onLinkDown(oldLink, true);
    expect(sent.map((s) => `${s.link}:${s.eventId}`)).toEqual([
      "old:order-1",
      "new:order-1",
      "new:order-2",
    ]);
  });
});
