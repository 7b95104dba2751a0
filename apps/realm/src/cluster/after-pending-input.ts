/**
 * Runs `decide` once the input that is already waiting (on any socket) has been read.
 *
 * Node runs due timers before it reads its sockets again. After a stall (a starved CPU, a long
 * garbage collection) a timer that decides "nothing heard from the master" or "no reply from a
 * quorum" therefore runs while the heartbeats and replies sent meanwhile are still unread, and
 * a healthy master steps down or a follower starts an election for nothing. `setImmediate`
 * callbacks run after the poll phase of the same loop turn, which reads that input, so a
 * decision re-checked there sees it.
 */
export function afterPendingInput(decide: () => void): void {
  setImmediate(decide);
}
