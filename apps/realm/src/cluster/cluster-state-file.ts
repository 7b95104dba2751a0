import { open, readFile, rename } from "node:fs/promises";
import path from "node:path";

/** What a member must remember across restarts (Raft's persistent state, plus a checkpoint). */
export interface PersistentClusterState {
  /** The cluster this state belongs to; state of another cluster is discarded. */
  cluster: string;
  currentTerm: number;
  votedFor: string | null;
  /**
   * Entries up to here are in the channel logs. It lags the truth (saved at most a few times a
   * second); entries re-applied after a restart are recognised by their event ids.
   */
  appliedIndex: number;
}

/**
 * `<data>/cluster/state.json`, replaced atomically and fsync'd on every save, because a vote
 * or a term must never be forgotten by a crash (Raft's safety depends on it). Saves run one
 * at a time; a save asked for while one runs is merged into the next.
 */
export class ClusterStateFile {
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(readonly file: string) {}

  /** Reads the state, or a fresh one when the file is missing or belongs to another cluster. */
  async load(cluster: string): Promise<{ state: PersistentClusterState; fresh: boolean }> {
    try {
      const saved = JSON.parse(await readFile(this.file, "utf8")) as PersistentClusterState;
      if (saved.cluster === cluster && Number.isInteger(saved.currentTerm)) {
        return {
          state: {
            cluster,
            currentTerm: saved.currentTerm,
            votedFor: saved.votedFor ?? null,
            appliedIndex: saved.appliedIndex ?? 0,
          },
          fresh: false,
        };
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" && !(error instanceof SyntaxError)) {
        throw error;
      }
    }
    return { state: { cluster, currentTerm: 0, votedFor: null, appliedIndex: 0 }, fresh: true };
  }

  /** Saves `read()` (called when the write starts, so it sees the newest state). */
  save(read: () => PersistentClusterState): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.writing.then(() => {
      this.queued = undefined;
      return this.write(read());
    });
    this.queued = next;
    this.writing = next.catch(() => {});
    return next;
  }

  private async write(state: PersistentClusterState): Promise<void> {
    const temp = `${this.file}.tmp`;
    const handle = await open(temp, "w", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(state)}\n`, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
    const dir = await open(path.dirname(this.file), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
