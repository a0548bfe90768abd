/**
 * Which peer addresses to dial, and when: the pure core of `dialPeers`. Addresses come from
 * trackers, from the user (`--peer`) and later from PEX; the planner keeps at most `maxPeers`
 * dials and connections going, never dials an address twice at once, backs off from addresses
 * that fail, and never again dials ourselves or a banned peer.
 *
 * @module
 */
import { banKeyOf, formatPeerAddress, type PeerAddress } from '../peerAddress.js';

/** Tuning of a {@link DialPlanner}. */
export interface DialPlannerConfig {
  /** Dials plus connections this planner keeps going at most. */
  readonly maxPeers: number;
  /** First back-off after a failure (doubling with each further one). @default 1000 */
  readonly retryBaseMs?: number;
  /** Longest back-off. @default 300000 */
  readonly retryMaxMs?: number;
  /** A connection that lasted this long resets the failure count. @default 60000 */
  readonly healthyMs?: number;
  /** Most addresses remembered (the oldest idle ones are forgotten beyond it). @default 5000 */
  readonly maxKnown?: number;
}

type State = 'idle' | 'dialing' | 'connected' | 'waiting' | 'self' | 'banned';

interface Entry {
  readonly address: PeerAddress;
  state: State;
  failures: number;
  retryAt: number;
  connectedAt: number;
}

/** Why a dial or a connection ended. */
export type DialOutcome = 'failed' | 'closed' | 'self' | 'banned';

/**
 * Plans dials.
 *
 * @example
 * ```ts
 * declare const trackerPeers: readonly PeerAddress[];
 * declare function dial(address: PeerAddress): void;
 * const planner = new DialPlanner({ maxPeers: 30 });
 * for (const a of planner.add(trackerPeers, now)) dial(a);
 * ```
 */
export class DialPlanner {
  private readonly entries = new Map<string, Entry>();
  /** Ban keys (`banKeyOf`): IP addresses, or loopback address:port. */
  private readonly bannedHosts = new Set<string>();

  constructor(private readonly config: DialPlannerConfig) {}

  /** Dials in flight plus open connections. */
  get active(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.state === 'dialing' || e.state === 'connected') n++;
    return n;
  }

  /** Learns addresses; returns the ones to dial now. */
  add(addresses: readonly PeerAddress[], now: number): PeerAddress[] {
    for (const address of addresses) {
      if (this.bannedHosts.has(banKeyOf(address))) continue;
      const key = formatPeerAddress(address);
      if (!this.entries.has(key)) this.entries.set(key, { address, state: 'idle', failures: 0, retryAt: 0, connectedAt: 0 });
    }
    this.forgetOldest();
    return this.plan(now);
  }

  /** A dial to `address` completed its handshake (or a peer at that address connected to us). */
  connected(address: PeerAddress, now: number): void {
    const key = formatPeerAddress(address);
    const entry = this.entries.get(key) ?? { address, state: 'idle' as State, failures: 0, retryAt: 0, connectedAt: 0 };
    this.entries.set(key, entry);
    if (entry.state === 'banned' || entry.state === 'self') return;
    entry.state = 'connected';
    entry.connectedAt = now;
  }

  /** A dial failed or a connection ended; returns the addresses to dial now. */
  ended(address: PeerAddress, outcome: DialOutcome, now: number): PeerAddress[] {
    const entry = this.entries.get(formatPeerAddress(address));
    if (entry === undefined || entry.state === 'banned' || entry.state === 'self') return this.plan(now);
    if (outcome === 'self' || outcome === 'banned') {
      entry.state = outcome;
      return this.plan(now);
    }
    const healthy = entry.state === 'connected' && now - entry.connectedAt >= (this.config.healthyMs ?? 60_000);
    entry.failures = healthy ? 0 : entry.failures + 1;
    const base = this.config.retryBaseMs ?? 1000;
    entry.retryAt = now + Math.min(base * 2 ** Math.max(0, entry.failures - 1), this.config.retryMaxMs ?? 300_000);
    entry.state = 'waiting';
    return this.plan(now);
  }

  /** Never dial `address` again, nor (off loopback) any port of its IP address. */
  ban(address: PeerAddress): void {
    this.bannedHosts.add(banKeyOf(address));
    for (const entry of this.entries.values()) if (banKeyOf(entry.address) === banKeyOf(address)) entry.state = 'banned';
    const key = formatPeerAddress(address);
    const entry = this.entries.get(key) ?? { address, state: 'banned' as State, failures: 0, retryAt: 0, connectedAt: 0 };
    entry.state = 'banned';
    this.entries.set(key, entry);
  }

  /** True when `address` is banned. */
  isBanned(address: PeerAddress): boolean {
    return this.bannedHosts.has(banKeyOf(address)) || this.entries.get(formatPeerAddress(address))?.state === 'banned';
  }

  /** Time passed: returns addresses whose back-off is over, when there is room. */
  tick(now: number): PeerAddress[] {
    return this.plan(now);
  }

  private plan(now: number): PeerAddress[] {
    let room = this.config.maxPeers - this.active;
    const out: PeerAddress[] = [];
    for (const entry of this.entries.values()) {
      if (room <= 0) break;
      const ready = entry.state === 'idle' || (entry.state === 'waiting' && entry.retryAt <= now);
      if (!ready) continue;
      entry.state = 'dialing';
      out.push(entry.address);
      room--;
    }
    return out;
  }

  private forgetOldest(): void {
    const max = this.config.maxKnown ?? 5000;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= max) return;
      if (entry.state === 'idle' || entry.state === 'waiting') this.entries.delete(key);
    }
  }
}
