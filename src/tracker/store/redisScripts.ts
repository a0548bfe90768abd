/**
 * The Lua scripts behind `redisStore`: each store call is one script, so Redis runs it atomically
 * and concurrent announces from any number of tracker processes never lose a count.
 *
 * Keys, under a prefix `P` (info-hash `H` and peer id as lowercase hex):
 * ```
 * P s:H:peers   hash    peer id → "<seeder 0|1>|<port>|<host>|<key hex>"
 * P s:H:seen    zset    peer id, scored by last-seen ms (Redis 7.0 has no per-field TTL)
 * P s:H:meta    hash    seeders, downloaded
 * P swarms      zset    every H with a live peer, scored by its oldest last-seen (the head of
 *                       its s:H:seen); its size is checked against maxSwarms
 * P totals      hash    peers, seeders over all swarms (checked against maxPeers)
 * ```
 * Every script first expires the swarms whose oldest peer is past the TTL (at most `limit`
 * swarms a call, oldest first; the rest go on the next calls), and an announce always expires its
 * own swarm, so the peers it hands out and the counts it returns are exact. A swarm whose last
 * peer goes is deleted (download count and all), as in `memoryStore`. Scripts touch keys they
 * compute, so they need one Redis (not Redis Cluster).
 *
 * @module
 */

const COMMON = `
local P = ARGV[1]
local function key(h, what) return P .. 's:' .. h .. ':' .. what end
local function parse(v)
  local s, port, host, k = string.match(v, '^(%d)|(%d+)|([^|]*)|(.*)$')
  return s == '1', port, host, k
end
local function drop(h, pid)
  local v = redis.call('HGET', key(h, 'peers'), pid)
  if not v then return end
  redis.call('HDEL', key(h, 'peers'), pid)
  redis.call('ZREM', key(h, 'seen'), pid)
  redis.call('HINCRBY', P .. 'totals', 'peers', -1)
  if string.sub(v, 1, 1) == '1' then
    redis.call('HINCRBY', key(h, 'meta'), 'seeders', -1)
    redis.call('HINCRBY', P .. 'totals', 'seeders', -1)
  end
end
-- Re-scores a swarm by its oldest peer, or forgets it when it has none left.
local function refresh(h)
  local oldest = redis.call('ZRANGE', key(h, 'seen'), 0, 0, 'WITHSCORES')
  if #oldest == 0 then
    redis.call('DEL', key(h, 'peers'), key(h, 'seen'), key(h, 'meta'))
    redis.call('ZREM', P .. 'swarms', h)
  else
    redis.call('ZADD', P .. 'swarms', oldest[2], h)
  end
end
local function expireSwarm(h, cutoff)
  local old = redis.call('ZRANGEBYSCORE', key(h, 'seen'), '-inf', '(' .. cutoff)
  for _, pid in ipairs(old) do drop(h, pid) end
  if #old > 0 then refresh(h) end
end
local function expire(now, ttl, limit)
  local cutoff = string.format('%.0f', now - ttl)
  local swarms = redis.call('ZRANGEBYSCORE', P .. 'swarms', '-inf', '(' .. cutoff, 'LIMIT', 0, limit)
  for _, h in ipairs(swarms) do expireSwarm(h, cutoff) end
  return #swarms, cutoff
end
local function counts(h)
  local m = redis.call('HMGET', key(h, 'meta'), 'seeders', 'downloaded')
  local seeders = tonumber(m[1]) or 0
  return { seeders, redis.call('HLEN', key(h, 'peers')) - seeders, tonumber(m[2]) or 0 }
end
`;

/** Outcome codes of the announce script (first element of its reply). */
export const ANNOUNCE_OK = 0;
export const ANNOUNCE_TOO_MANY_SWARMS = 1;
export const ANNOUNCE_SWARM_FULL = 2;
export const ANNOUNCE_TOO_MANY_PEERS = 3;
export const ANNOUNCE_KEY_MISMATCH = 4;
export const ANNOUNCE_PEER_ID_TAKEN = 5;
export const ANNOUNCE_SWARM_RATE_LIMITED = 6;

/**
 * `announce`: ARGV = P, H, peer id, host, port, seeder (0|1), event, numwant, key hex ('' for
 * none), now, ttl, maxSwarms, maxPeersPerSwarm, maxPeers, expire limit, may create a swarm (0|1).
 * Reply: `{code}` on refusal, else `{0, seeders, leechers, downloaded, {peer id, value, …}, created (0|1)}`.
 */
export const ANNOUNCE_LUA = `${COMMON}
local h, pid, host, port, seeder, event = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6] == '1', ARGV[7]
local numwant, peerKey, now, ttl = tonumber(ARGV[8]), ARGV[9], tonumber(ARGV[10]), tonumber(ARGV[11])
local _, cutoff = expire(now, ttl, tonumber(ARGV[15]))
expireSwarm(h, cutoff)
local pk, mk = key(h, 'peers'), key(h, 'meta')
local old = redis.call('HGET', pk, pid)
local wasSeeder, oldKey, created = false, '', false
if old then
  local s, oldPort, oldHost, k = parse(old)
  wasSeeder, oldKey = s, k
  if (oldHost ~= host or oldPort ~= port) and oldKey ~= '' and oldKey ~= peerKey then return { ${ANNOUNCE_KEY_MISMATCH} } end
  if oldHost ~= host and oldKey == '' then return { ${ANNOUNCE_PEER_ID_TAKEN} } end
end
if event == 'stopped' then
  if old then
    drop(h, pid)
    refresh(h)
  end
  local c = counts(h)
  return { ${ANNOUNCE_OK}, c[1], c[2], c[3], {} }
end
if not old then
  local size = redis.call('HLEN', pk)
  if size == 0 and ARGV[16] == '0' then return { ${ANNOUNCE_SWARM_RATE_LIMITED} } end
  if size == 0 and redis.call('ZCARD', P .. 'swarms') >= tonumber(ARGV[12]) then return { ${ANNOUNCE_TOO_MANY_SWARMS} } end
  created = size == 0
  if size >= tonumber(ARGV[13]) then return { ${ANNOUNCE_SWARM_FULL} } end
  if (tonumber(redis.call('HGET', P .. 'totals', 'peers')) or 0) >= tonumber(ARGV[14]) then return { ${ANNOUNCE_TOO_MANY_PEERS} } end
  redis.call('HINCRBY', P .. 'totals', 'peers', 1)
end
if event == 'completed' and not wasSeeder then redis.call('HINCRBY', mk, 'downloaded', 1) end
if seeder ~= wasSeeder then
  local d = seeder and 1 or -1
  redis.call('HINCRBY', mk, 'seeders', d)
  redis.call('HINCRBY', P .. 'totals', 'seeders', d)
end
if peerKey == '' then peerKey = oldKey end
redis.call('HSET', pk, pid, (seeder and '1' or '0') .. '|' .. port .. '|' .. host .. '|' .. peerKey)
redis.call('ZADD', key(h, 'seen'), now, pid)
refresh(h)
local picked = {}
if numwant > 0 then
  -- Two spare: ourselves, and a stale entry of a restarted client at our address.
  local flat = redis.call('HRANDFIELD', pk, numwant + 2, 'WITHVALUES')
  for i = 1, #flat, 2 do
    if #picked >= 2 * numwant then break end
    local _, p, ph = parse(flat[i + 1])
    if flat[i] ~= pid and not (ph == host and p == port) then
      picked[#picked + 1] = flat[i]
      picked[#picked + 1] = flat[i + 1]
    end
  end
end
local c = counts(h)
return { ${ANNOUNCE_OK}, c[1], c[2], c[3], picked, created and 1 or 0 }
`;

/** `scrape`: ARGV = P, now, ttl, expire limit, H… Reply: `{seeders, leechers, downloaded}` per H, flattened. */
export const SCRAPE_LUA = `${COMMON}
local _, cutoff = expire(tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
local out = {}
for i = 5, #ARGV do
  expireSwarm(ARGV[i], cutoff)
  local c = counts(ARGV[i])
  out[#out + 1] = c[1]
  out[#out + 1] = c[2]
  out[#out + 1] = c[3]
end
return out
`;

/**
 * `sweep`: ARGV = P, now, ttl, expire limit. Reply: `{swarms expired, swarms, peers, seeders}`;
 * call it again while the first equals the limit.
 */
export const SWEEP_LUA = `${COMMON}
local expired = expire(tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
local t = redis.call('HMGET', P .. 'totals', 'peers', 'seeders')
return { expired, redis.call('ZCARD', P .. 'swarms'), tonumber(t[1]) or 0, tonumber(t[2]) or 0 }
`;
