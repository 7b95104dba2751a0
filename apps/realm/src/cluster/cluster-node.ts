import { randomUUID, X509Certificate } from "node:crypto";
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { readKeyStore } from "@conclave/pki";
import type {
  AppendFrame,
  AppendReplyFrame,
  ClusterConfig,
  ClusterMemberStatus,
  ClusterRole,
  ClusterStatus,
  ClusterSummary,
  ErrorCode,
  ForwardFrame,
  ForwardReplyFrame,
  InterRealmHello,
  LogEntry,
  VoteReplyFrame,
  VoteRequestFrame,
} from "@conclave/protocol";
import type { PublishCallback, PublishOutcome } from "../channels/channel.js";
import type { ChannelStore } from "../channels/channel-store.js";
import type { RealmIdentity } from "../identity.js";
import type { Logger } from "../logger.js";
import type { Connection } from "../sessions/connection.js";
import { afterPendingInput } from "./after-pending-input.js";
import { ClusterStateFile, type PersistentClusterState } from "./cluster-state-file.js";
import { publicKeyFingerprint } from "./handshake.js";
import { LinkManager, type PeerLink } from "./links.js";
import { QuorumRule } from "./quorum.js";
import { RaftLog } from "./raft-log.js";

/** What a cluster member needs from its realm. */
export interface ClusterNodeOptions {
  realmName: string;
  dataDir: string;
  config: ClusterConfig;
  identity: RealmIdentity;
  logger: Logger;
  store: ChannelStore;
  fsync: boolean;
  maxFrameBytes: number;
}

/** A publish the realm cannot take now; `code` goes into the client's error frame. */
export class PublishRefusedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "PublishRefusedError";
  }
}

/** How long a publish waits for a master to be elected (quorum reachable) before NO_QUORUM. */
const NO_MASTER_WAIT_MS = 10_000;
/** Pending publishes fail with NO_QUORUM once quorum has been unreachable this long. */
const NO_QUORUM_FAIL_MS = 2_000;
/** A follower without a master for this long catches up again (state recovering) before serving. */
const RECOVER_AFTER_MS = 5_000;
/** Bytes of entries per append frame, and bytes queued on a link before replication waits. */
const APPEND_CHUNK_BYTES = 256 * 1024;
const LINK_HIGH_WATER_BYTES = 8 * 1024 * 1024;
const TICK_MS = 25;
const CHECKPOINT_MS = 500;

/** A publish this realm's master ordered, waiting for its entry to commit and apply. */
interface Proposal {
  channel: string;
  eventId: string;
  data: string;
  headers: Record<string, string> | undefined;
  callback: PublishCallback;
  /** From a client of this realm (retried through the next master if this one steps down). */
  local: boolean;
}

/** A client publish on this realm waiting for the master's answer. */
interface PendingPublish {
  id: number;
  channel: string;
  eventId: string;
  data: string;
  headers: Record<string, string> | undefined;
  callback: PublishCallback;
  queuedAt: number;
  /** The link it was forwarded on; null while it waits for a master. */
  sentOn: PeerLink | null;
}

/** The master's view of one follower. */
interface Progress {
  nextIndex: number;
  matchIndex: number;
  lastReplyAt: number;
  lastSentAt: number;
  /** After a mismatch: one append at a time until the logs match again. */
  probing: boolean;
  sending: boolean;
  /** Replication waits for the link's send queue to drain. */
  waitingForDrain: boolean;
  /** The follower is recovering until its matchIndex reaches this. */
  catchUpTarget: number | null;
}

/**
 * One realm's membership in a cluster: a Raft-shaped state machine (terms, pre-vote and vote,
 * one master that orders every channel event into a replicated log, commit by quorum, apply in
 * log order to the channel logs) over the authenticated links of {@link LinkManager}.
 * See docs/adr/0003-cluster-protocol.md.
 */
export class ClusterNode {
  private config: ClusterConfig;
  private quorum: QuorumRule;
  private readonly links: LinkManager;
  private role: ClusterRole = "follower";
  private master: string | null = null;
  private masterHeardAt = 0;
  /** The term of the last append from the master. */
  private masterTerm = 0;
  private electionDeadline: number;
  private preVote: { term: number; votes: Set<string> } | undefined;
  private votes = new Set<string>();
  private commitIndex: number;
  /** Entries handed to the channel store; `appliedDurable`: entries the store has written. */
  private appliedIndex: number;
  private appliedDurable: number;
  private readonly applyQueue: { index: number; done: boolean }[] = [];
  private applyHead = 0;
  private applying = false;
  private savedApplied: number;
  private lastCheckpointAt = 0;
  private readonly proposals = new Map<number, Proposal>();
  private readonly followers = new Map<string, Progress>();
  private readonly pending = new Map<number, PendingPublish>();
  /** The link forwards to the master went on last; a move waits for its answers (see forward). */
  private forwardingOn: PeerLink | null = null;
  private nextPendingId = 1;
  private replicationScheduled = false;
  private recovering = true;
  private recoveringTarget: number | null = null;
  private recoveringMembers = new Set<string>();
  private noQuorumSince: number | undefined;
  private noMasterSince = performance.now();
  private stateSaved: Promise<void> = Promise.resolve();
  private trustedCas: string[] | undefined;
  private trustLoadedAt = new Date();
  private readonly timer: NodeJS.Timeout;
  private decisionPending = false;
  private stopped = false;

  private constructor(
    private readonly options: ClusterNodeOptions,
    private readonly log: RaftLog,
    private readonly stateFile: ClusterStateFile,
    private state: PersistentClusterState,
    trustedCas: string[] | undefined,
  ) {
    this.config = options.config;
    this.quorum = new QuorumRule(this.config);
    this.trustedCas = trustedCas;
    this.commitIndex = Math.min(state.appliedIndex, log.lastIndex);
    this.appliedIndex = this.commitIndex;
    this.appliedDurable = this.commitIndex;
    this.savedApplied = this.commitIndex;
    this.electionDeadline = performance.now() + this.randomTimeout();
    this.links = new LinkManager(this.config, {
      realmName: options.realmName,
      identity: options.identity,
      logger: options.logger,
      maxFrameBytes: options.maxFrameBytes,
      trustedCas: () => this.trustedCas,
      events: {
        linkUp: (link) => this.onLinkUp(link),
        linkDown: (link, stillLinked) => this.onLinkDown(link, stillLinked),
        frame: (link, frame) => this.onFrame(link, frame),
      },
    });
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Opens the cluster state and log in `<data>/cluster` and starts linking with the members. */
  static async start(options: ClusterNodeOptions): Promise<ClusterNode> {
    const dir = path.join(options.dataDir, "cluster");
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stateFile = new ClusterStateFile(path.join(dir, "state.json"));
    const { state, fresh } = await stateFile.load(options.config.name);
    const logFile = path.join(dir, "log");
    if (fresh) {
      // A log of another cluster (or of none) must not leak into this one.
      await rm(logFile, { force: true });
    }
    const { log, truncatedBytes } = await RaftLog.open(logFile, {
      maxRecordBytes: options.maxFrameBytes + 4096,
      fsync: options.fsync,
    });
    if (truncatedBytes > 0) {
      options.logger.warn(
        "cluster.log-truncated",
        `Cut ${truncatedBytes} bytes of an incomplete write from the end of the cluster log`,
        { truncatedBytes },
      );
    }
    const trust = await loadTrust(options.config, options.dataDir);
    const node = new ClusterNode(options, log, stateFile, state, trust);
    if (fresh) await stateFile.save(() => node.state);
    options.logger.info(
      "cluster.started",
      `Realm ${options.realmName} joins cluster ${options.config.name} (${options.config.members.length} members; term ${state.currentTerm}, log ${log.lastIndex})`,
      { cluster: options.config.name, term: state.currentTerm, lastIndex: log.lastIndex },
    );
    return node;
  }

  get name(): string {
    return this.config.name;
  }

  /**
   * Applies a changed membership live (addresses, keys, sites, trust store). The trust store
   * file is read again every time, so new bytes under the same path count as a change.
   * Established links stay up unless the new trust store no longer accepts their peer's
   * certificate.
   */
  async updateConfig(config: ClusterConfig): Promise<void> {
    const trusted = await loadTrust(config, this.options.dataDir);
    const trustChanged = JSON.stringify(trusted) !== JSON.stringify(this.trustedCas);
    this.trustedCas = trusted;
    if (trustChanged || config.trustStorePath !== this.config.trustStorePath) {
      this.trustLoadedAt = new Date();
      this.options.logger.info(
        "cluster.trust-reloaded",
        trusted
          ? `Peers' certificates are now verified with ${config.trustStorePath} (${trusted.length} CA certificates)`
          : "No cluster trust store: peers' certificates are no longer verified",
        { trustStorePath: config.trustStorePath ?? null, certificates: trusted?.length ?? 0 },
      );
    }
    this.config = config;
    this.quorum = new QuorumRule(config);
    for (const peer of this.followers.keys()) {
      if (!config.members.some((m) => m.name === peer)) this.followers.delete(peer);
    }
    if (this.role === "master") {
      for (const member of this.peers()) this.progress(member);
    }
    this.links.setConfig(config);
    if (trustChanged && trusted) this.links.recheckCertificates();
  }

  /** Takes over an inter-realm connection welcomed on one of the realm's interfaces. */
  acceptLink(connection: Connection, hello: InterRealmHello): { end(): void } {
    return this.links.accept(connection, hello);
  }

  /**
   * Publishes through the cluster: the master orders the event; `callback` runs once a quorum
   * stores it and it is applied here (master) or on the master (follower, forwarded).
   */
  publish(
    channel: string,
    eventId: string | undefined,
    data: string,
    headers: Record<string, string> | undefined,
    callback: PublishCallback,
  ): void {
    if (this.stopped) {
      callback(new PublishRefusedError("SHUTTING_DOWN", "The realm is leaving the cluster"));
      return;
    }
    if (!this.reachableQuorum()) {
      callback(this.noQuorumError());
      return;
    }
    const id = eventId ?? randomUUID();
    if (this.role === "master") {
      this.propose({ channel, eventId: id, data, headers, callback, local: true });
      return;
    }
    const pending: PendingPublish = {
      id: this.nextPendingId++,
      channel,
      eventId: id,
      data,
      headers,
      callback,
      queuedAt: performance.now(),
      sentOn: null,
    };
    this.pending.set(pending.id, pending);
    this.forward(pending);
  }

  summary(): ClusterSummary {
    const status = this.status();
    return {
      cluster: status.cluster,
      role: status.role,
      master: status.master,
      term: status.term,
      hasQuorum: status.quorum.hasQuorum,
      quorumMargin: status.quorum.margin,
      connectedServers: status.connectedServers,
      disconnectedServers: status.disconnectedServers,
    };
  }

  status(): ClusterStatus {
    const self = this.options.realmName;
    const linked = this.links.linkedPeers();
    const reachable = new Set([self, ...[...linked].filter((p) => this.isMember(p))]);
    const required = this.quorum.required(reachable);
    const site = (name: string) =>
      this.config.sites.find((s) => s.members.includes(name))?.name ?? null;
    const members: ClusterMemberStatus[] = this.config.members.map((member) => {
      const isSelf = member.name === self;
      const progress = this.followers.get(member.name);
      let state: ClusterMemberStatus["state"];
      if (isSelf) state = this.recovering && this.role !== "master" ? "recovering" : "connected";
      else if (!linked.has(member.name)) state = "disconnected";
      else if (
        (progress?.catchUpTarget !== null && progress?.catchUpTarget !== undefined) ||
        (this.role !== "master" && this.recoveringMembers.has(member.name))
      ) {
        state = "recovering";
      } else state = "connected";
      return {
        name: member.name,
        self: isSelf,
        state,
        addresses: member.addresses,
        site: site(member.name),
        identityFingerprintSha256: publicKeyFingerprint(member.publicKey) ?? "",
        matchIndex: isSelf
          ? this.log.durableIndex
          : this.role === "master"
            ? (progress?.matchIndex ?? 0)
            : null,
      };
    });
    const others = members.filter((m) => !m.self);
    return {
      cluster: this.config.name,
      realm: self,
      role: this.role,
      master: this.master,
      term: this.state.currentTerm,
      commitIndex: this.commitIndex,
      lastIndex: this.log.lastIndex,
      appliedIndex: this.appliedDurable,
      recovering: this.recovering && this.role !== "master",
      quorum: {
        members: this.config.members.length,
        reachable: reachable.size,
        required,
        margin: reachable.size - required,
        hasQuorum: this.quorum.isQuorum(reachable),
        rule: this.quorum.describe(),
      },
      members,
      links: this.links.status(),
      connectedServers: others.filter((m) => m.state !== "disconnected").length,
      disconnectedServers: others.filter((m) => m.state === "disconnected").length,
      refusals: this.links.refusalList(),
      trustStore: this.trustStatus(),
    };
  }

  private trustStatus(): ClusterStatus["trustStore"] {
    if (!this.trustedCas || !this.config.trustStorePath) return null;
    return {
      path: this.config.trustStorePath,
      certificates: this.trustedCas.map((pem) => {
        const cert = new X509Certificate(pem);
        return {
          subject: cert.subject.replace(/\n/g, ", "),
          fingerprintSha256: cert.fingerprint256,
        };
      }),
      loadedAt: this.trustLoadedAt.toISOString(),
    };
  }

  /** Leaves: closes links, fails what waits, saves state and closes the log. */
  async stop(reason: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.links.stop(reason);
    const error = new PublishRefusedError("SHUTTING_DOWN", reason);
    for (const pending of this.pending.values()) pending.callback(error);
    this.pending.clear();
    for (const proposal of this.proposals.values()) proposal.callback(error);
    this.proposals.clear();
    await this.log.close();
    await this.saveState().catch(() => {});
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Publishing                                                                                */
  /* ---------------------------------------------------------------------------------------- */

  private propose(proposal: Proposal): void {
    const stored = this.options.store.get(proposal.channel)?.dedup.get(proposal.eventId);
    if (stored !== undefined) {
      proposal.callback(null, { seq: stored, eventId: proposal.eventId, duplicate: true });
      return;
    }
    const term = this.state.currentTerm;
    const body = entryBody(term, proposal, Date.now());
    this.log.append([body], [term]);
    this.proposals.set(this.log.lastIndex, proposal);
    this.scheduleReplication();
  }

  /** Sends a pending publish to the master, or keeps it until there is one. */
  private forward(pending: PendingPublish): void {
    if (this.role === "master") {
      this.pending.delete(pending.id);
      this.propose({ ...pending, local: true });
      return;
    }
    if (this.recovering || !this.master) return;
    const link = this.links.active(this.master);
    if (!link) return;
    if (this.forwardingOn !== link) {
      // A link move: forwards still in flight on the old link may be read (or re-sent) after
      // anything sent on the new one, so later publishes wait for them to keep their order.
      // Only a move (the same master): a new master gets every unanswered forward again anyway
      // (setMaster), and holding them for the old master's answers stalled them until expiry.
      const moved = this.forwardingOn;
      if (moved?.peer === link.peer && moved.isUp && this.inFlightOn(moved)) return;
      this.forwardingOn = link;
    }
    pending.sentOn = link;
    link.connection.sendJson(
      `{"type":"forward","id":${pending.id},"channel":${JSON.stringify(pending.channel)},"eventId":${JSON.stringify(pending.eventId)},"data":"${pending.data}"${
        pending.headers ? `,"headers":${JSON.stringify(pending.headers)}` : ""
      }}`,
    );
  }

  private inFlightOn(link: PeerLink): boolean {
    for (const pending of this.pending.values()) if (pending.sentOn === link) return true;
    return false;
  }

  /** Re-sends every pending publish not (or no longer) on its way to the current master. */
  private flushPending(resendAll = false): void {
    for (const pending of [...this.pending.values()]) {
      if (resendAll || !pending.sentOn || !pending.sentOn.isUp) {
        pending.sentOn = null;
        this.forward(pending);
      }
    }
  }

  private onForward(link: PeerLink, frame: ForwardFrame): void {
    const reply = (answer: ForwardReplyFrame) =>
      (this.links.active(link.peer) ?? link).connection.sendFrame(answer);
    if (this.role !== "master") {
      reply({
        type: "forward-reply",
        id: frame.id,
        eventId: frame.eventId,
        error: `realm ${this.options.realmName} is not the master`,
      });
      return;
    }
    this.propose({
      channel: frame.channel,
      eventId: frame.eventId,
      data: frame.data,
      headers: frame.headers,
      local: false,
      callback: (error, outcome) =>
        reply(
          error || !outcome
            ? {
                type: "forward-reply",
                id: frame.id,
                eventId: frame.eventId,
                error: error?.message ?? "not stored",
              }
            : {
                type: "forward-reply",
                id: frame.id,
                eventId: outcome.eventId,
                seq: outcome.seq,
                duplicate: outcome.duplicate,
              },
        ),
    });
  }

  private onForwardReply(frame: ForwardReplyFrame): void {
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    if (frame.error !== undefined || frame.seq === undefined) {
      // The master changed under it: it goes to the next master (its eventId dedups it there).
      pending.sentOn = null;
      return;
    }
    this.pending.delete(frame.id);
    pending.callback(null, {
      seq: frame.seq,
      eventId: frame.eventId,
      duplicate: frame.duplicate ?? false,
    });
    // The last answer from a link being moved away from releases the publishes held behind it.
    const moved = this.forwardingOn;
    if (moved && pending.sentOn === moved && this.master) {
      const active = this.links.active(this.master);
      if (active && active !== moved && !this.inFlightOn(moved)) this.flushPending();
    }
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Replication (master)                                                                      */
  /* ---------------------------------------------------------------------------------------- */

  private scheduleReplication(): void {
    if (this.replicationScheduled) return;
    this.replicationScheduled = true;
    setImmediate(() => {
      this.replicationScheduled = false;
      if (this.role !== "master") return;
      for (const peer of this.followers.keys()) void this.replicate(peer);
      const term = this.state.currentTerm;
      this.log.flushed().then(
        () => {
          if (this.role === "master" && this.state.currentTerm === term) this.advanceCommit();
        },
        (error: Error) => this.fatal(`the cluster log cannot be written: ${error.message}`),
      );
    });
  }

  private async replicate(peer: string): Promise<void> {
    const progress = this.followers.get(peer);
    const link = this.links.active(peer);
    if (!progress || !link || progress.sending || progress.waitingForDrain) return;
    progress.sending = true;
    let waitForDrain = false;
    try {
      while (this.role === "master" && progress.nextIndex <= this.log.lastIndex && link.isUp) {
        if (link.connection.queuedBytes > LINK_HIGH_WATER_BYTES) {
          waitForDrain = true;
          break;
        }
        const term = this.state.currentTerm;
        const from = progress.nextIndex;
        const bodies = await this.log.read(from, this.log.lastIndex, APPEND_CHUNK_BYTES);
        if (
          this.role !== "master" ||
          term !== this.state.currentTerm ||
          progress.nextIndex !== from ||
          bodies.length === 0
        ) {
          break;
        }
        this.sendAppend(link, progress, from - 1, bodies);
        progress.nextIndex = from + bodies.length;
        if (progress.probing) break;
      }
    } catch (error) {
      this.options.logger.error(
        "cluster.replication-failed",
        `Cannot read the cluster log for realm ${peer}: ${(error as Error).message}`,
        { peer },
      );
    } finally {
      progress.sending = false;
    }
    if (waitForDrain) {
      progress.waitingForDrain = true;
      link.connection.whenDrained(() => {
        progress.waitingForDrain = false;
        void this.replicate(peer);
      });
    }
  }

  private sendAppend(
    link: PeerLink,
    progress: Progress,
    prevIndex: number,
    bodies: string[],
  ): void {
    const recovering = [...this.followers]
      .filter(([, p]) => p.catchUpTarget !== null)
      .map(([name]) => JSON.stringify(name));
    link.connection.sendJson(
      `{"type":"append","term":${this.state.currentTerm},"master":${JSON.stringify(this.options.realmName)},"prevIndex":${prevIndex},"prevTerm":${this.log.termAt(prevIndex) ?? 0},"commit":${this.commitIndex},"entries":[${bodies.join(",")}]${
        recovering.length ? `,"recovering":[${recovering.join(",")}]` : ""
      }}`,
    );
    progress.lastSentAt = performance.now();
  }

  private onAppendReply(link: PeerLink, reply: AppendReplyFrame): void {
    if (reply.term > this.state.currentTerm) {
      this.adoptTerm(reply.term, `realm ${link.peer} is in term ${reply.term}`);
      return;
    }
    const progress = this.followers.get(link.peer);
    if (this.role !== "master" || reply.term !== this.state.currentTerm || !progress) return;
    progress.lastReplyAt = performance.now();
    if (reply.success) {
      if (reply.matchIndex > progress.matchIndex) progress.matchIndex = reply.matchIndex;
      if (progress.nextIndex <= progress.matchIndex) progress.nextIndex = progress.matchIndex + 1;
      progress.probing = false;
      if (progress.catchUpTarget !== null && progress.matchIndex >= progress.catchUpTarget) {
        progress.catchUpTarget = null;
        this.options.logger.info(
          "cluster.member-recovered",
          `Realm ${link.peer} caught up (index ${progress.matchIndex})`,
          { peer: link.peer },
        );
      }
      this.advanceCommit();
    } else {
      // An answer to an append sent before the last reset says nothing new.
      if (reply.prevIndex >= progress.nextIndex) return;
      progress.nextIndex = Math.max(
        progress.matchIndex + 1,
        Math.min(reply.lastIndex + 1, reply.prevIndex),
      );
      progress.probing = true;
    }
    void this.replicate(link.peer);
  }

  /** Commits the highest index a quorum stores, if it belongs to the current term. */
  private advanceCommit(): void {
    if (this.role !== "master") return;
    const stored: [string, number][] = [[this.options.realmName, this.log.durableIndex]];
    for (const [peer, progress] of this.followers) stored.push([peer, progress.matchIndex]);
    const candidates = [...new Set(stored.map(([, index]) => index))]
      .filter((index) => index > this.commitIndex)
      .sort((a, b) => b - a);
    for (const index of candidates) {
      const holders = new Set(stored.filter(([, i]) => i >= index).map(([name]) => name));
      if (!this.quorum.isQuorum(holders)) continue;
      // Raft: only entries of the current term commit by counting; older ones commit with them.
      if (this.log.termAt(index) === this.state.currentTerm) {
        this.commitIndex = index;
        this.applyCommitted();
      }
      return;
    }
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Replication (follower)                                                                    */
  /* ---------------------------------------------------------------------------------------- */

  private onAppend(link: PeerLink, frame: AppendFrame): void {
    const reply = (answer: Omit<AppendReplyFrame, "type" | "term" | "prevIndex">) =>
      (this.links.active(link.peer) ?? link).connection.sendFrame({
        type: "append-reply",
        term: this.state.currentTerm,
        prevIndex: frame.prevIndex,
        ...answer,
      });
    if (frame.term < this.state.currentTerm) {
      reply({ success: false, matchIndex: 0, lastIndex: this.log.lastIndex });
      return;
    }
    if (frame.term > this.state.currentTerm || this.role !== "follower") {
      this.adoptTerm(frame.term, `realm ${frame.master} is master in term ${frame.term}`);
    }
    const now = performance.now();
    if (this.master !== frame.master) this.setMaster(frame.master);
    else if (this.masterTerm !== frame.term) {
      // The same master in a new term stepped down in between, and a master that steps down
      // drops the forwards it has not answered: send them again (their eventIds dedup repeats),
      // or their clients would wait for an answer forever.
      this.flushPending(true);
    }
    this.masterTerm = frame.term;
    this.masterHeardAt = now;
    this.noMasterSince = now;
    this.electionDeadline = now + this.randomTimeout();
    this.recoveringMembers = new Set(frame.recovering ?? []);
    if (this.recovering && this.recoveringTarget === null) {
      this.recoveringTarget = frame.commit;
      this.checkRecovered();
    }

    const log = this.log;
    if (frame.prevIndex > log.lastIndex) {
      reply({ success: false, matchIndex: 0, lastIndex: log.lastIndex });
      return;
    }
    const localTerm = log.termAt(frame.prevIndex);
    if (localTerm !== frame.prevTerm) {
      // Skip back over the whole conflicting term at once (committed entries always match).
      let index = frame.prevIndex;
      while (index - 1 > this.commitIndex && log.termAt(index - 1) === localTerm) index--;
      reply({ success: false, matchIndex: 0, lastIndex: Math.max(this.commitIndex, index - 1) });
      return;
    }
    const bodies: string[] = [];
    const terms: number[] = [];
    let index = frame.prevIndex;
    let appending = false;
    for (const entry of frame.entries) {
      index++;
      if (!appending) {
        const existing = log.termAt(index);
        if (existing === entry.t) continue;
        appending = true;
        if (existing !== undefined) {
          if (index <= this.commitIndex) {
            this.fatal(`master ${frame.master} sent a different entry at committed index ${index}`);
            return;
          }
          log.truncateFrom(index);
          this.dropProposalsFrom(index);
        }
      }
      bodies.push(JSON.stringify(entry));
      terms.push(entry.t);
    }
    log.append(bodies, terms);
    const matchIndex = frame.prevIndex + frame.entries.length;
    const commit = Math.min(frame.commit, matchIndex);
    if (commit > this.commitIndex) {
      this.commitIndex = commit;
      this.applyCommitted();
    }
    const matchTerm = log.termAt(matchIndex);
    Promise.all([log.flushed(), this.stateSaved]).then(
      () => {
        // A newer master may have replaced these entries while they were written.
        if (log.termAt(matchIndex) !== matchTerm) return;
        reply({ success: true, matchIndex, lastIndex: log.lastIndex });
      },
      (error: Error) => this.fatal(`the cluster log cannot be written: ${error.message}`),
    );
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Applying committed entries to the channel logs                                            */
  /* ---------------------------------------------------------------------------------------- */

  private applyCommitted(): void {
    if (this.applying) return;
    this.applying = true;
    void this.applyLoop().finally(() => {
      this.applying = false;
      if (this.appliedIndex < this.commitIndex && !this.stopped) this.applyCommitted();
    });
  }

  private async applyLoop(): Promise<void> {
    const { store } = this.options;
    while (this.appliedIndex < this.commitIndex && !this.stopped) {
      const from = this.appliedIndex + 1;
      const upTo = this.commitIndex;
      const bodies = await this.log.read(from, upTo, 1024 * 1024);
      if (bodies.length === 0 || this.appliedIndex !== from - 1) return;
      for (const body of bodies) {
        const index = ++this.appliedIndex;
        const slot = { index, done: false };
        this.applyQueue.push(slot);
        const entry = JSON.parse(body) as LogEntry;
        if (!entry.c) {
          // The no-op a new master appends.
          slot.done = true;
          this.advanceApplied();
          continue;
        }
        store.publish(
          entry.c,
          entry.e,
          entry.d ?? "",
          entry.h,
          (error, outcome) => {
            slot.done = true;
            this.advanceApplied();
            this.settleProposal(index, error, outcome);
          },
          entry.tm,
        );
      }
    }
  }

  private settleProposal(index: number, error: Error | null, outcome?: PublishOutcome): void {
    const proposal = this.proposals.get(index);
    if (!proposal) return;
    this.proposals.delete(index);
    proposal.callback(error, outcome);
  }

  private advanceApplied(): void {
    while (this.applyHead < this.applyQueue.length && this.applyQueue[this.applyHead]!.done) {
      this.appliedDurable = this.applyQueue[this.applyHead]!.index;
      this.applyHead++;
    }
    if (this.applyHead > 4096) {
      this.applyQueue.splice(0, this.applyHead);
      this.applyHead = 0;
    }
    if (this.recovering && this.recoveringTarget !== null) this.checkRecovered();
  }

  private checkRecovered(): void {
    if (this.recoveringTarget === null || this.appliedDurable < this.recoveringTarget) return;
    this.recovering = false;
    this.recoveringTarget = null;
    this.options.logger.info(
      "cluster.recovered",
      `Caught up with master ${this.master} (index ${this.appliedDurable}); serving clients`,
      { appliedIndex: this.appliedDurable },
    );
    this.flushPending();
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Elections                                                                                 */
  /* ---------------------------------------------------------------------------------------- */

  private tick(): void {
    if (this.stopped) return;
    const now = performance.now();
    const { heartbeatIntervalMs } = this.config.timing;
    if (this.role === "master") {
      for (const [peer, progress] of this.followers) {
        if (now - progress.lastSentAt < heartbeatIntervalMs) continue;
        const link = this.links.active(peer);
        if (link) this.sendAppend(link, progress, progress.nextIndex - 1, []);
      }
      if (!this.quorum.isQuorum(this.heardFrom(now))) {
        this.decideAfterPendingInput(() => {
          if (this.role !== "master") return;
          const heard = this.heardFrom(performance.now());
          if (!this.quorum.isQuorum(heard)) {
            this.stepDown(`heard from only ${heard.size} of ${this.quorum.size} members`);
          }
        });
      }
    } else if (now >= this.electionDeadline) {
      this.decideAfterPendingInput(() => {
        if (this.role !== "master" && performance.now() >= this.electionDeadline) {
          this.startPreVote();
        }
      });
    }
    if (this.role !== "master" && this.master === null && !this.recovering) {
      if (now - this.noMasterSince > RECOVER_AFTER_MS) {
        this.recovering = true;
        this.recoveringTarget = null;
      }
    }
    this.expirePending(now);
    if (this.appliedDurable > this.savedApplied && now - this.lastCheckpointAt > CHECKPOINT_MS) {
      this.lastCheckpointAt = now;
      this.savedApplied = this.appliedDurable;
      void this.saveState().catch(() => {});
    }
  }

  /** This realm and the followers that answered within the minimum election timeout. */
  private heardFrom(now: number): Set<string> {
    const heard = new Set([this.options.realmName]);
    for (const [peer, progress] of this.followers) {
      if (now - progress.lastReplyAt < this.config.timing.electionTimeoutMinMs) heard.add(peer);
    }
    return heard;
  }

  /**
   * Step-downs and elections are decided on what peers sent, read first: after a stall the
   * tick runs before the waiting heartbeats and replies are read (see afterPendingInput).
   */
  private decideAfterPendingInput(decide: () => void): void {
    if (this.decisionPending) return;
    this.decisionPending = true;
    afterPendingInput(() => {
      this.decisionPending = false;
      if (!this.stopped) decide();
    });
  }

  private expirePending(now: number): void {
    if (this.reachableQuorum()) this.noQuorumSince = undefined;
    else this.noQuorumSince ??= now;
    const lostQuorum =
      this.noQuorumSince !== undefined && now - this.noQuorumSince > NO_QUORUM_FAIL_MS;
    for (const pending of this.pending.values()) {
      const waitedTooLong = !pending.sentOn && now - pending.queuedAt > NO_MASTER_WAIT_MS;
      if (lostQuorum || waitedTooLong) {
        this.pending.delete(pending.id);
        pending.callback(
          lostQuorum
            ? this.noQuorumError()
            : new PublishRefusedError(
                "NO_QUORUM",
                `Cluster ${this.config.name} elected no master within ${NO_MASTER_WAIT_MS / 1000} s; publish again (with the same eventId)`,
              ),
        );
      }
    }
  }

  private startPreVote(): void {
    const now = performance.now();
    this.electionDeadline = now + this.randomTimeout();
    const self = this.options.realmName;
    this.preVote = { term: this.state.currentTerm + 1, votes: new Set([self]) };
    if (this.quorum.isQuorum(this.preVote.votes)) {
      void this.startElection();
      return;
    }
    // Without a reachable quorum an election cannot succeed; keep trying, without raising terms.
    if (!this.reachableQuorum()) return;
    this.requestVotes(true, this.preVote.term);
  }

  private async startElection(): Promise<void> {
    const self = this.options.realmName;
    const wasMaster = this.role === "master";
    this.role = "candidate";
    if (wasMaster) this.abandonMastership();
    this.state.currentTerm++;
    this.state.votedFor = self;
    this.master = null;
    this.preVote = undefined;
    this.votes = new Set([self]);
    this.electionDeadline = performance.now() + this.randomTimeout();
    const term = this.state.currentTerm;
    this.options.logger.info(
      "cluster.election-started",
      `Realm ${self} asks for votes to become master in term ${term}`,
      { term },
    );
    const saveStarted = performance.now();
    await this.saveState();
    if (this.role !== "candidate" || this.state.currentTerm !== term) return;
    // Each voter saves its vote before it answers, as this realm just did. On a busy disk the
    // saves and round trip outlast the election timeout: counted from the start, every election
    // ended (and the next began, in a new term) just before its votes came back, again and again.
    // So the voters get the whole timeout from now, plus the time our own save took.
    const savedAt = performance.now();
    this.electionDeadline = savedAt + this.randomTimeout() + (savedAt - saveStarted);
    if (this.quorum.isQuorum(this.votes)) this.becomeMaster();
    else this.requestVotes(false, term);
  }

  private requestVotes(pre: boolean, term: number): void {
    const frame: VoteRequestFrame = {
      type: "vote-request",
      term,
      candidate: this.options.realmName,
      lastIndex: this.log.lastIndex,
      lastTerm: this.log.lastTerm,
      pre,
    };
    for (const peer of this.peers()) this.links.active(peer)?.connection.sendFrame(frame);
  }

  private async onVoteRequest(link: PeerLink, request: VoteRequestFrame): Promise<void> {
    const upToDate =
      request.lastTerm > this.log.lastTerm ||
      (request.lastTerm === this.log.lastTerm && request.lastIndex >= this.log.lastIndex);
    const answer = (granted: boolean) => {
      const reply: VoteReplyFrame = {
        type: "vote-reply",
        term: this.state.currentTerm,
        granted,
        pre: request.pre,
      };
      link.connection.sendFrame(reply);
    };
    if (request.pre) {
      answer(request.term > this.state.currentTerm && upToDate && !this.masterIsAlive());
      return;
    }
    // A realm that still hears a live master ignores disruptive candidates.
    if (this.masterIsAlive() && request.candidate !== this.master) {
      answer(false);
      return;
    }
    if (request.term > this.state.currentTerm) {
      this.adoptTerm(request.term, `realm ${request.candidate} started an election`);
    }
    const granted =
      request.term === this.state.currentTerm &&
      (this.state.votedFor === null || this.state.votedFor === request.candidate) &&
      upToDate;
    if (granted) {
      this.state.votedFor = request.candidate;
      this.electionDeadline = performance.now() + this.randomTimeout();
    }
    // The vote (and term) must be on disk before it is given.
    await this.saveState();
    answer(granted);
  }

  private onVoteReply(link: PeerLink, reply: VoteReplyFrame): void {
    if (reply.term > this.state.currentTerm) {
      this.adoptTerm(reply.term, `realm ${link.peer} is in term ${reply.term}`);
      return;
    }
    if (!reply.granted) return;
    if (reply.pre) {
      if (!this.preVote || this.preVote.term !== this.state.currentTerm + 1) return;
      if (this.role === "master") return;
      this.preVote.votes.add(link.peer);
      if (this.quorum.isQuorum(this.preVote.votes)) void this.startElection();
      return;
    }
    if (this.role !== "candidate" || reply.term !== this.state.currentTerm) return;
    this.votes.add(link.peer);
    if (this.quorum.isQuorum(this.votes)) this.becomeMaster();
  }

  private becomeMaster(): void {
    const now = performance.now();
    this.role = "master";
    this.preVote = undefined;
    this.setMaster(this.options.realmName);
    this.recovering = false;
    this.recoveringTarget = null;
    this.followers.clear();
    for (const peer of this.peers()) {
      const progress = this.progress(peer);
      progress.lastReplyAt = now;
    }
    // A no-op of the new term lets entries of earlier terms commit (Raft §5.4.2).
    this.log.append([`{"t":${this.state.currentTerm}}`], [this.state.currentTerm]);
    this.options.logger.info(
      "cluster.master-elected",
      `Realm ${this.options.realmName} is master of cluster ${this.config.name} in term ${this.state.currentTerm}`,
      { term: this.state.currentTerm },
    );
    this.scheduleReplication();
    this.flushPending();
  }

  private progress(peer: string): Progress {
    let progress = this.followers.get(peer);
    if (!progress) {
      progress = {
        nextIndex: this.log.lastIndex + 1,
        matchIndex: 0,
        lastReplyAt: performance.now(),
        lastSentAt: 0,
        probing: false,
        sending: false,
        waitingForDrain: false,
        catchUpTarget: null,
      };
      this.followers.set(peer, progress);
    }
    return progress;
  }

  /** A higher term was seen: follow it (and stop being master or candidate). */
  private adoptTerm(term: number, reason: string): void {
    if (term > this.state.currentTerm) {
      this.state.currentTerm = term;
      this.state.votedFor = null;
      this.stateSaved = this.saveState();
    }
    if (this.role === "master") this.stepDown(reason);
    this.role = "follower";
    this.votes.clear();
    if (this.master === this.options.realmName) this.setMaster(null);
  }

  private stepDown(reason: string): void {
    if (this.role !== "master") return;
    this.options.logger.warn(
      "cluster.stepped-down",
      `Realm ${this.options.realmName} is no longer master (term ${this.state.currentTerm}): ${reason}`,
      { term: this.state.currentTerm },
    );
    this.role = "follower";
    this.abandonMastership();
    this.setMaster(null);
    this.electionDeadline = performance.now() + this.randomTimeout();
  }

  /** Local publishes the old master had not answered go to the next master. */
  private abandonMastership(): void {
    this.followers.clear();
    for (const proposal of this.proposals.values()) {
      if (!proposal.local) continue;
      const pending: PendingPublish = {
        id: this.nextPendingId++,
        channel: proposal.channel,
        eventId: proposal.eventId,
        data: proposal.data,
        headers: proposal.headers,
        callback: proposal.callback,
        queuedAt: performance.now(),
        sentOn: null,
      };
      this.pending.set(pending.id, pending);
    }
    this.proposals.clear();
  }

  private dropProposalsFrom(index: number): void {
    for (const key of this.proposals.keys()) if (key >= index) this.proposals.delete(key);
  }

  private setMaster(master: string | null): void {
    if (this.master === master) return;
    const previous = this.master;
    this.master = master;
    if (master === null) {
      this.noMasterSince = performance.now();
      return;
    }
    if (master !== this.options.realmName) {
      this.options.logger.info(
        "cluster.following",
        `Following master ${master} in term ${this.state.currentTerm}${previous ? ` (was ${previous})` : ""}`,
        { master, term: this.state.currentTerm },
      );
      // Publishes sent to the previous master may be lost with it; their eventIds dedup repeats.
      this.flushPending(true);
    }
  }

  private masterIsAlive(): boolean {
    if (this.role === "master") return true;
    if (!this.master || !this.links.active(this.master)) return false;
    return performance.now() - this.masterHeardAt < this.config.timing.electionTimeoutMinMs;
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Links                                                                                     */
  /* ---------------------------------------------------------------------------------------- */

  private onLinkUp(link: PeerLink): void {
    if (this.role === "master" && this.isMember(link.peer)) {
      const fresh = !this.followers.has(link.peer);
      const progress = this.progress(link.peer);
      // Resume from the last acknowledged index: what was in flight on an old link is resent.
      progress.nextIndex = progress.matchIndex + 1;
      progress.probing = fresh;
      progress.waitingForDrain = false;
      if (progress.matchIndex < this.commitIndex) progress.catchUpTarget = this.commitIndex;
      progress.lastReplyAt = performance.now();
      void this.replicate(link.peer);
    }
    if (link.peer === this.master) this.flushPending();
  }

  private onLinkDown(link: PeerLink, stillLinked: boolean): void {
    const orphaned = [...this.pending.values()].filter((pending) => pending.sentOn === link);
    for (const pending of orphaned) pending.sentOn = null;
    if (stillLinked) {
      // A link replaced by a move can close with forwards the master never read: send them
      // again on the link that replaced it (their eventIds dedup any repeat on the master),
      // ahead of the publishes held back while they were in flight.
      this.flushPending();
      return;
    }
    if (link.peer === this.master && this.role !== "master") {
      // The master's process is gone (or unreachable): elect soon rather than after a timeout.
      this.masterHeardAt = 0;
      this.setMaster(null);
      const soon = performance.now() + 50 + Math.random() * 250;
      this.electionDeadline = Math.min(this.electionDeadline, soon);
    }
  }

  private onFrame(link: PeerLink, frame: { type: string }): void {
    if (!this.isMember(link.peer) || this.stopped) return;
    switch (frame.type) {
      case "append":
        this.onAppend(link, frame as AppendFrame);
        return;
      case "append-reply":
        this.onAppendReply(link, frame as AppendReplyFrame);
        return;
      case "vote-request":
        void this.onVoteRequest(link, frame as VoteRequestFrame);
        return;
      case "vote-reply":
        this.onVoteReply(link, frame as VoteReplyFrame);
        return;
      case "forward":
        this.onForward(link, frame as ForwardFrame);
        return;
      case "forward-reply":
        this.onForwardReply(frame as ForwardReplyFrame);
        return;
      default:
        this.options.logger.warn(
          "cluster.unknown-frame",
          `Realm ${link.peer} sent an unknown frame type ${frame.type}`,
          { peer: link.peer },
        );
    }
  }

  /* ---------------------------------------------------------------------------------------- */

  private peers(): string[] {
    return this.config.members.map((m) => m.name).filter((n) => n !== this.options.realmName);
  }

  private isMember(name: string): boolean {
    return this.config.members.some((m) => m.name === name);
  }

  private reachableQuorum(): boolean {
    const reachable = new Set([this.options.realmName]);
    for (const peer of this.links.linkedPeers()) if (this.isMember(peer)) reachable.add(peer);
    return this.quorum.isQuorum(reachable);
  }

  private noQuorumError(): PublishRefusedError {
    const reachable = new Set([this.options.realmName]);
    for (const peer of this.links.linkedPeers()) if (this.isMember(peer)) reachable.add(peer);
    return new PublishRefusedError(
      "NO_QUORUM",
      `Realm ${this.options.realmName} has no quorum in cluster ${this.config.name}: ${reachable.size} of ${this.quorum.size} members reachable, ${this.quorum.required(reachable)} needed. Publishes are refused until the cluster re-forms; retry later or publish to a member that has quorum`,
    );
  }

  private randomTimeout(): number {
    const { electionTimeoutMinMs: min, electionTimeoutMaxMs: max } = this.config.timing;
    return min + Math.random() * (max - min);
  }

  private saveState(): Promise<void> {
    return this.stateFile.save(() => ({ ...this.state, appliedIndex: this.savedApplied }));
  }

  private fatal(message: string): void {
    this.options.logger.error("cluster.failed", message);
    this.stepDown(message);
  }
}

/** An entry's JSON, built around the base64 payload (which needs no escaping). */
function entryBody(
  term: number,
  event: { channel: string; eventId: string; data: string; headers?: Record<string, string> },
  time: number,
): string {
  return `{"t":${term},"c":${JSON.stringify(event.channel)},"e":${JSON.stringify(event.eventId)},"tm":${time},"d":"${event.data}"${
    event.headers ? `,"h":${JSON.stringify(event.headers)}` : ""
  }}`;
}

/** CA certificates of the cluster's trust store, or undefined when none is configured. */
async function loadTrust(config: ClusterConfig, dataDir: string): Promise<string[] | undefined> {
  if (!config.trustStorePath) return undefined;
  const file = path.resolve(dataDir, config.trustStorePath);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new Error(
      `Cluster trust store ${file} cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  const store = readKeyStore(bytes, {
    password: config.trustStorePassword,
    fileName: path.basename(file),
  });
  const cas = store.entries.flatMap((e) =>
    e.kind === "trusted-certificate" ? [e.certificate.pem] : e.chain.map((c) => c.pem),
  );
  if (cas.length === 0) throw new Error(`Cluster trust store ${file} holds no certificates`);
  return cas;
}
