/**
 * The Redis side of `BullMqSyncQueue`: per-application state that BullMQ's open-source version
 * cannot express (it has no per-group concurrency nor "replace the waiting job's data"), kept
 * beside BullMQ's own keys and changed only by the Lua scripts below, each atomic.
 *
 * Keys, under `<prefix>:<queue>:apps:` (BullMQ's job ids here never contain `:`, so they
 * cannot collide with these):
 *   pending  hash app → JSON `{ req, attempt }`: the one request waiting for the application
 *   prio     hash app → rank (3 manual, 2 webhook, 1 poll): the highest priority merged into it
 *   due      hash app → ms: a failed request's retry time (only while it backs off)
 *   tickets  hash app → BullMQ job id: the one job that will run the pending request
 *   running  hash app → the running request (same JSON as pending)
 *   runinfo  hash app → "rank token": who runs it
 *   seq      counter for ticket ids (`sync-<n>`)
 *   lock:<app>  string, the running replica's token, with an expiry the runner keeps renewing
 *
 * Invariants: an application has a pending entry exactly when it has a ticket (and a prio);
 * it has a running entry exactly while its lock is held — except after a replica died, until
 * `recover` (run by the next enqueue, claim or sweep for the application) finds the lock
 * expired and makes the request pending again.
 *
 * A ticket is only a pointer: BullMQ jobs are added after the script returns, with the ticket
 * as job id, so adding is idempotent (BullMQ ignores an id that exists) and any replica may
 * re-add a ticket whose job was lost (a crash between the script and the add). A job that is
 * not the application's current ticket does nothing.
 */

/** The per-application keys, in the order every script takes them. */
export function appKeys(base: string): string[] {
  return ['pending', 'prio', 'due', 'tickets', 'running', 'runinfo', 'seq'].map((k) => `${base}${k}`);
}

/** Every script gets `appKeys` as KEYS and ARGV[1] = the lock key prefix, ARGV[2] = the app. */
const PRELUDE = `
local pendingKey, prioKey, dueKey, ticketsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local runningKey, runinfoKey, seqKey = KEYS[5], KEYS[6], KEYS[7]
local lockPrefix, app = ARGV[1], ARGV[2]
local rcall = redis.call

local function lockKey(a) return lockPrefix .. a end

local function newTicket(a)
  local t = 'sync-' .. rcall('INCR', seqKey)
  rcall('HSET', ticketsKey, a, t)
  return t
end

local function ensureTicket(a)
  return rcall('HGET', ticketsKey, a) or newTicket(a)
end

local function runinfoRank(info) return string.match(info, '^(%d+) ') end
local function runinfoToken(info) return string.match(info, ' (.*)$') end

-- A running entry whose lock expired belongs to a replica that died (or froze past the lock's
-- expiry, and then aborts its handler when renewal fails): the request is pending again,
-- unless a newer one already is.
local function recover(a)
  local entry = rcall('HGET', runningKey, a)
  if not entry or rcall('EXISTS', lockKey(a)) == 1 then return end
  local info = rcall('HGET', runinfoKey, a)
  rcall('HDEL', runningKey, a)
  rcall('HDEL', runinfoKey, a)
  if rcall('HEXISTS', pendingKey, a) == 0 then
    rcall('HSET', pendingKey, a, entry)
    rcall('HSET', prioKey, a, info and runinfoRank(info) or '1')
    ensureTicket(a)
  end
end
`;

/**
 * ARGV[3] entry JSON, ARGV[4] rank → { ticket, rank, oldRank, wasDue }.
 * The entry replaces the pending one (the newest revision wins), the rank is the higher of the
 * two, and a retry's backoff is cancelled (the caller promotes its delayed ticket job).
 */
export const ENQUEUE = `${PRELUDE}
recover(app)
local oldRank = tonumber(rcall('HGET', prioKey, app) or '0')
local wasDue = rcall('HDEL', dueKey, app)
rcall('HSET', pendingKey, app, ARGV[3])
local rank = tonumber(ARGV[4])
if oldRank > rank then rank = oldRank end
rcall('HSET', prioKey, app, rank)
return { ensureTicket(app), rank, oldRank, wasDue }
`;

/**
 * ARGV[3] run token, ARGV[4] lock ttl ms, ARGV[5] now ms, ARGV[6] this job's id →
 *   { 'stale', [ticket, rank, due] } not the current ticket: nothing to run; the caller re-adds
 *                                    the current ticket's job (a no-op if it exists) in case
 *                                    it is new (a dead run recovered just now) or was lost;
 *   { 'defer', ticket, rank, due }   the application is locked (due 0) or backing off (due > now):
 *                                    the caller adds a new ticket job, delayed;
 *   { 'run', entry, rank }           the lock is ours and the request moved to running.
 *
 * Why defer with a *new* job instead of moving this one to delayed: BullMQ tracks job locks by
 * job id within a worker, so a job re-fetched by the same worker before its previous attempt
 * has fully returned would have its lock renewal cancelled. A fresh id avoids that.
 */
export const CLAIM = `${PRELUDE}
recover(app)
local current = rcall('HGET', ticketsKey, app)
if current ~= ARGV[6] then
  if not current then return { 'stale' } end
  return { 'stale', current, rcall('HGET', prioKey, app), rcall('HGET', dueKey, app) or 0 }
end
local entry = rcall('HGET', pendingKey, app)
if not entry then
  rcall('HDEL', ticketsKey, app)
  return { 'stale' }
end
local rank = rcall('HGET', prioKey, app)
if rcall('EXISTS', lockKey(app)) == 1 then return { 'defer', newTicket(app), rank, 0 } end
local due = tonumber(rcall('HGET', dueKey, app) or '0')
if due > tonumber(ARGV[5]) then return { 'defer', newTicket(app), rank, due } end
rcall('HDEL', pendingKey, app)
rcall('HDEL', prioKey, app)
rcall('HDEL', dueKey, app)
rcall('HDEL', ticketsKey, app)
rcall('SET', lockKey(app), ARGV[3], 'PX', ARGV[4])
rcall('HSET', runningKey, app, entry)
rcall('HSET', runinfoKey, app, rank .. ' ' .. ARGV[3])
return { 'run', entry, rank }
`;

/** ARGV[3] token, ARGV[4] ttl ms → 1 when the lock is still ours (and extended), else 0. */
export const RENEW = `${PRELUDE}
if rcall('GET', lockKey(app)) ~= ARGV[3] then return 0 end
rcall('PEXPIRE', lockKey(app), ARGV[4])
return 1
`;

/**
 * ARGV[3] token → { 'queued', ticket, rank } | { 'newer' } | { 'lost' }.
 * A closing replica gives a running request back; it keeps the lock until its handler has
 * returned, so the request cannot run elsewhere while the aborted handler still works.
 */
export const HAND_BACK = `${PRELUDE}
local info = rcall('HGET', runinfoKey, app)
if not info or runinfoToken(info) ~= ARGV[3] then return { 'lost' } end
if rcall('HEXISTS', pendingKey, app) == 1 then return { 'newer' } end
local rank = runinfoRank(info)
rcall('HSET', pendingKey, app, rcall('HGET', runningKey, app))
rcall('HSET', prioKey, app, rank)
return { 'queued', ensureTicket(app), rank }
`;

/**
 * ARGV[3] token, ARGV[4] 'ok' | 'fail' | 'back', ARGV[5] retry entry JSON ('' when no attempt
 * is left), ARGV[6] retry time ms →
 *   { 'lost' }                                   the run was no longer ours;
 *   { 'retry', ticket, rank }                    the caller adds the ticket job, delayed;
 *   { 'done' | 'superseded' | 'exhausted', [ticket, rank] }
 * The lock is released; a ticket that waits for it (deferred) is returned for the caller to
 * wake, so the next request for the application starts now rather than at its deferred time.
 */
export const FINISH = `${PRELUDE}
if rcall('GET', lockKey(app)) == ARGV[3] then rcall('DEL', lockKey(app)) end
local info = rcall('HGET', runinfoKey, app)
if not info or runinfoToken(info) ~= ARGV[3] then return { 'lost' } end
local rank = runinfoRank(info)
rcall('HDEL', runningKey, app)
rcall('HDEL', runinfoKey, app)
local outcome = 'done'
if ARGV[4] == 'fail' then
  if rcall('HEXISTS', pendingKey, app) == 1 then
    outcome = 'superseded'
  elseif ARGV[5] ~= '' then
    rcall('HSET', pendingKey, app, ARGV[5])
    rcall('HSET', prioKey, app, rank)
    rcall('HSET', dueKey, app, ARGV[6])
    return { 'retry', newTicket(app), rank }
  else
    outcome = 'exhausted'
  end
end
local ticket = rcall('HGET', ticketsKey, app)
if ticket and rcall('HEXISTS', dueKey, app) == 0 then
  return { outcome, ticket, rcall('HGET', prioKey, app) }
end
return { outcome }
`;

/**
 * ARGV[2] unused → a flat list app, ticket, rank, due (0 when none), … of every pending
 * application, after recovering the runs of dead replicas; the caller re-adds each ticket job
 * (a no-op for the ones that exist).
 */
export const SWEEP = `${PRELUDE}
local running = rcall('HKEYS', runningKey)
for _, a in ipairs(running) do recover(a) end
local out = {}
for _, a in ipairs(rcall('HKEYS', pendingKey)) do
  table.insert(out, a)
  table.insert(out, ensureTicket(a))
  table.insert(out, rcall('HGET', prioKey, a) or '1')
  table.insert(out, rcall('HGET', dueKey, a) or '0')
end
return out
`;
