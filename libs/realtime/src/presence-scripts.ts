/**
 * Lua for presence. A user is "announced" online while their member sits in the
 * index set; each script changes the index and reports a transition atomically,
 * so with any number of gateways every online and offline is announced once.
 * KEYS[1] = the user's connection set, KEYS[2] = the index.
 */

/** ARGV: connection, expiry, index member. Returns 1 when the user was not announced (now online). */
export const TOUCH = `
local announced = redis.call('ZSCORE', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[3])
if announced then return 0 end
return 1`;

/** ARGV: connection, now, index member. Returns 1 when this was the last live connection (now offline). */
export const REMOVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[2], '+inf') > 0 then return 0 end
redis.call('DEL', KEYS[1])
return redis.call('ZREM', KEYS[2], ARGV[3])`;

/**
 * ARGV: now, index member. For a user whose index score (their latest expiry) has
 * passed: drops the expired connections and, when none is left, the announcement.
 * Returns 1 when the user went offline. A refresh that raced ahead wins.
 */
export const SWEEP = `
local score = redis.call('ZSCORE', KEYS[2], ARGV[2])
if not score or tonumber(score) > tonumber(ARGV[1]) then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if newest[2] then
  redis.call('ZADD', KEYS[2], newest[2], ARGV[2])
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1`;
