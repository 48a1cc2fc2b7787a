/**
 * Lua for presence. A user is "announced" online while their member sits in the
 * index set; each script changes the index and reports a transition atomically,
 * so with any number of gateways every online and offline is announced once.
 * KEYS[1] = the user's connection set, KEYS[2] = the index, KEYS[3] = the app's
 * connection set (members `<userId>:<connectionId>`), which the connection caps count.
 */

/**
 * ARGV: connection, expiry, index member, app member. Returns 1 when the user was not
 * announced (now online).
 */
export const TOUCH = `
local announced = redis.call('ZSCORE', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[3])
if announced then return 0 end
return 1`;

/**
 * ARGV: as TOUCH, then now, the most live connections per user, per app. TOUCH, unless
 * the user (-1) or the app (-2) already holds that many live connections: checked and
 * recorded in one step, so two handshakes cannot both take the last slot. A connection
 * counts until its expiry, whether or not its gateway lives: a crashed gateway's
 * connections stop counting when their heartbeats stop, and are pruned here.
 */
export const ADMIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[5])
if redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[5], '+inf') >= tonumber(ARGV[6]) then return -1 end
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[7]) then return -2 end
${TOUCH}`;

/**
 * ARGV: connection, now, index member, app member. Returns 1 when this was the last
 * live connection (now offline).
 */
export const REMOVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[4])
if redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[2], '+inf') > 0 then return 0 end
redis.call('DEL', KEYS[1])
return redis.call('ZREM', KEYS[2], ARGV[3])`;

/**
 * ARGV: now, index member. For a user whose index score (their latest expiry) has
 * passed: drops the expired connections and, when none is left, the announcement.
 * Returns 1 when the user went offline. A refresh that raced ahead wins. Also prunes
 * the app's expired connections, so an app nobody connects to again leaves no residue.
 */
export const SWEEP = `
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
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
