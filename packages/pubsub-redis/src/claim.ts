// Node-name claim: a Redis key `<prefix>:node:<name>` holding this instance's random id
// with a short TTL, renewed on a timer. A second live instance with the same name finds
// the key held by another id and refuses to start; a killed instance frees it by expiry.
import type { Redis } from 'ioredis'
import type { Logger } from '@plume/pubsub'
import { dropIfSilent } from './connection.js'

// Renew only our own claim; re-create it if it vanished (e.g. the broker restarted
// without persistence). Returns 1 renewed, 2 re-created, 0 held by someone else.
const RENEW_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0`

// Delete only if still ours, so closing never frees a name another instance holds.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** Result of trying to take the name; when refused, `holder` is the other instance's id. */
export type ClaimResult = { readonly ok: true } | { readonly ok: false; readonly holder: string }

/** The liveness claim of one adapter instance; see the file comment. */
export class NodeClaim {
  readonly key: string
  readonly #redis: Redis
  readonly #instanceId: string
  readonly #ttlMs: number
  readonly #logger: Logger
  #timer: NodeJS.Timeout | undefined
  #lostReported = false

  constructor(redis: Redis, key: string, instanceId: string, ttlMs: number, logger: Logger) {
    this.#redis = redis
    this.key = key
    this.#instanceId = instanceId
    this.#ttlMs = ttlMs
    this.#logger = logger
  }

  /** Takes the name if free. Connection errors propagate. */
  async acquire(): Promise<ClaimResult> {
    const set = await this.#redis.set(this.key, this.#instanceId, 'PX', this.#ttlMs, 'NX')
    if (set === 'OK') return { ok: true }
    const holder = await this.#redis.get(this.key)
    // The holder may have expired between SET and GET: one retry settles it.
    if (holder === null) return this.acquire()
    return { ok: false, holder }
  }

  /** Renews the claim every `intervalMs` until `stop()`; the timer does not keep Node alive. */
  startRenewing(intervalMs: number): void {
    this.stop()
    this.#timer = setInterval(() => void this.renew(), intervalMs)
    this.#timer.unref()
  }

  /** One renewal; failures are logged (the connection watcher already reports outages). */
  async renew(): Promise<void> {
    try {
      const result = await this.#redis.eval(
        RENEW_SCRIPT,
        1,
        this.key,
        this.#instanceId,
        this.#ttlMs,
      )
      if (result === 0) this.#reportLost()
      else this.#lostReported = false
    } catch (error) {
      dropIfSilent(this.#redis, error)
      this.#logger.debug('redis node claim renewal failed', { key: this.key, error: String(error) })
    }
  }

  /** Stops renewing. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Stops renewing and deletes the key if it is still ours. */
  async release(): Promise<void> {
    this.stop()
    await this.#redis.eval(RELEASE_SCRIPT, 1, this.key, this.#instanceId)
  }

  #reportLost(): void {
    if (this.#lostReported) return
    this.#lostReported = true
    // Only happens when this node was cut off longer than the TTL and another instance
    // took the name meanwhile: two nodes now share a name and delivery is unreliable.
    this.#logger.error('redis node name claimed by another instance while this node was alive', {
      key: this.key,
    })
  }
}
