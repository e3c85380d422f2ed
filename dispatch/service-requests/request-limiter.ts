/**
 * A token bucket per key (the caller's IP address), in memory: `capacity` requests at once, then one
 * more every `refillSeconds`. Pure apart from the injected clock. Memory is bounded: past `maxKeys`,
 * buckets that have refilled completely (the same as no bucket) are dropped, and if that is not
 * enough, the oldest ones.
 */
export interface RequestLimiterOptions {
  capacity: number
  refillSeconds: number
  maxKeys: number
  now: () => number
}

export type LimitDecision = { allowed: true } | { allowed: false, retryAfterSeconds: number }

interface Bucket {
  tokens: number
  at: number
}

export const SERVICE_REQUEST_LIMITS: Omit<RequestLimiterOptions, 'now'> = Object.freeze({ capacity: 5, refillSeconds: 600, maxKeys: 10_000 })

export function createRequestLimiter (options: RequestLimiterOptions) {
  const buckets = new Map<string, Bucket>()
  const refillMs = options.refillSeconds * 1000

  const level = (bucket: Bucket, at: number): number => Math.min(options.capacity, bucket.tokens + (at - bucket.at) / refillMs)

  const evict = (at: number): void => {
    for (const [key, bucket] of buckets) if (level(bucket, at) >= options.capacity) buckets.delete(key)
    for (const key of buckets.keys()) {
      if (buckets.size < options.maxKeys) break
      buckets.delete(key)
    }
  }

  return {
    /** Spend one token for `key`, or say how long until one is available. */
    take (key: string): LimitDecision {
      const at = options.now()
      const bucket = buckets.get(key)
      const tokens = bucket === undefined ? options.capacity : level(bucket, at)
      if (tokens < 1) return { allowed: false, retryAfterSeconds: Math.ceil((1 - tokens) * options.refillSeconds) }
      if (bucket === undefined && buckets.size >= options.maxKeys) evict(at)
      // Re-inserted so that the Map's order is least recently used first.
      buckets.delete(key)
      buckets.set(key, { tokens: tokens - 1, at })
      return { allowed: true }
    },

    get trackedKeys (): number { return buckets.size }
  }
}

export type RequestLimiter = ReturnType<typeof createRequestLimiter>
