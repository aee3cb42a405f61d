// Velocity store in Redis, shared by every node: one EVALSHA per observe (one network round trip for all
// the event's dims), atomic, keys that expire by themselves. Semantics and error bounds: velocity.ts.
//
// Layout, per (dim, key) — the key is stored as a SHA-256 digest (HMAC with `keySecret` if given), never
// in clear, and so are the distinct values:
//   <prefix>{<dim>:<digest>}            one hash for the four windows: m = 16 packed doubles (per window
//                                       1m/1h/24h/7d: newest bucket, running count, micro-USD and number of its
//                                       live buckets); w|x|y|z<bucket> = packed (count, micro-USD) of one bucket of
//                                       window 1m|1h|24h|7d; _dn = the distinct names tracked for the key.
//   <prefix>{<dim>:<digest>}:dv:<name>  sorted set: distinct value digest → last seen (ms)
// The {…} hash tag keeps one key's structures in one cluster slot. A script call touches several dims, so
// with Redis Cluster all of an event's dims would have to share a slot: this store targets a single Redis
// (or a primary with replicas / Sentinel), which is what Tollgate's scale-out path uses.
//
// Cost per dim of an observe: one HMGET of 6 fields (meta + the event's bucket in each window) and one HSET of
// at most 6 (values packed with Redis Lua's struct library), plus, only when
// a window's newest bucket moves, reading and deleting the buckets that fall out (their fields when few, else
// the hash once) and, when the 7 d bucket moves, a PEXPIRE; per distinct name a handful of sorted-set calls.
// The hash expires 7 d (+ 60 s) after its newest hour bucket, each sorted set 24 h (+ 60 s) after its newest
// value; the 60 s margin absorbs clock skew between nodes, since a late event may shorten an expiry.
import { createHash, createHmac } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import {
  DEFAULT_DISTINCT_CAP,
  checkName,
  distinctFields,
  systemVelocityClock,
  toMicros,
  type DimVelocity,
  type VelocityClock,
  type VelocityDim,
  type VelocityEvent,
  type VelocitySnapshot,
  type VelocityStore,
} from './velocity.ts';

export interface RedisVelocityOptions {
  /** redis://host:port/db — a client is created (and closed by close()). */
  url?: string;
  /** An existing ioredis client (not closed by close()). */
  client?: Redis;
  /** Key prefix, e.g. "tg:vel:". Default "tg:vel:". */
  prefix?: string;
  clock?: VelocityClock;
  /** Most values per distinct set (default 1000). */
  distinctCap?: number;
  /** When set, keys and distinct values are HMAC-SHA-256'd with it instead of plain SHA-256. */
  keySecret?: string;
  /** Extra ioredis options when `url` is given. */
  redisOptions?: RedisOptions;
}

export const VELOCITY_LUA = `
local B = {1000, 60000, 600000, 3600000}
local N = {60, 60, 144, 168}
local W = {60000, 3600000, 86400000, 604800000}
local CL = {'w', 'x', 'y', 'z'}
local CB = {119, 120, 121, 122}
local MF = '<dddddddddddddddd'
local BF = '<dd'
local D1, D24 = 3600000, 86400000
local MARGIN = 60000
local at = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local amt = tonumber(ARGV[3])
local observe = ARGV[4] == 'o'
local cap = tonumber(ARGV[5])
local call = redis.call
local fmt = string.format
local byte, sub = string.byte, string.sub
local pack, unpk = struct.pack, struct.unpack

local function ms(x)
  if x < 1000 then x = 1000 end
  return fmt('%d', x)
end

-- Buckets lo < b <= hi of window g: count, micro-USD and how many buckets; with del, their fields are
-- appended to it. Reads exactly those fields when there are fewer of them than the hash holds (live), else
-- the whole hash, once per dim (all, reused).
local function range(key, g, lo, hi, del, all, live)
  local c, u, nb = 0, 0, 0
  if hi <= lo then return c, u, nb, all end
  if hi - lo <= 2 or (all == nil and hi - lo < live) then
    local f = {}
    for b = lo + 1, hi do f[#f + 1] = fmt('%s%d', CL[g], b) end
    local v = call('HMGET', key, unpack(f))
    for i = 1, #f do
      if v[i] then
        local x, y = unpk(BF, v[i])
        c, u, nb = c + x, u + y, nb + 1
        if del then del[#del + 1] = f[i] end
      end
    end
    return c, u, nb, all
  end
  if not all then all = call('HGETALL', key) end
  local cb = CB[g]
  for i = 1, #all, 2 do
    local f = all[i]
    if byte(f, 1) == cb then
      local b = tonumber(sub(f, 2))
      if b and b > lo and b <= hi then
        local x, y = unpk(BF, all[i + 1])
        c, u, nb = c + x, u + y, nb + 1
        if del then del[#del + 1] = f end
      end
    end
  end
  return c, u, nb, all
end

local function split(s)
  local t = {}
  if s then for name in string.gmatch(s, '[^,]+') do t[#t + 1] = name end end
  return t
end

-- The same for every dim of the call: the event's bucket per window and its field name, bounds.
local E, BFN = {}, {}
for g = 1, 4 do
  E[g] = math.floor(at / B[g])
  BFN[g] = fmt('%s%d', CL[g], E[g])
end
local FIELDS = {'m', BFN[1], BFN[2], BFN[3], BFN[4], '_dn'}
local AT = fmt('%d', at)
local LO1 = fmt('(%d', at - D1)
local LO24 = fmt('(%d', at - D24)
local CUT24 = fmt('%d', at - D24)
local ZTTL = ms(at + D24 - now + MARGIN)

local out = {}
local p = 6
for i = 1, #KEYS do
  local base = KEYS[i]
  local k = tonumber(ARGV[p])
  p = p + 1
  local res = {}
  local list
  local all = nil
  if observe then
    local m = call('HMGET', base, unpack(FIELDS))
    local meta
    if m[1] then meta = {unpk(MF, m[1])} else meta = {-1, 0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0} end
    local live = meta[4] + meta[8] + meta[12] + meta[16]
    local del, set = {}, {}
    local head7moved = false
    for g = 1, 4 do
      local o = (g - 1) * 4
      local h, n, u, nk = meta[o + 1], meta[o + 2], meta[o + 3], meta[o + 4]
      local e, Ng = E[g], N[g]
      if h < 0 or e > h then
        if h >= 0 and nk > 0 then
          local hi = e - Ng
          if hi > h then hi = h end
          local c, x, nb
          c, x, nb, all = range(base, g, h - Ng, hi, del, all, live)
          n, u, nk = n - c, u - x, nk - nb
        end
        h = e
        if g == 4 then head7moved = true end
      end
      if e > h - Ng then
        local c0, u0 = 0, 0
        if m[g + 1] then c0, u0 = unpk(BF, m[g + 1]) else nk = nk + 1 end
        set[#set + 1] = BFN[g]
        set[#set + 1] = pack(BF, c0 + 1, u0 + amt)
        n, u = n + 1, u + amt
      end
      meta[o + 1], meta[o + 2], meta[o + 3], meta[o + 4] = h, n, u, nk
      res[g] = n
      res[g + 4] = u
    end
    set[#set + 1] = 'm'
    set[#set + 1] = pack(MF, unpack(meta, 1, 16))
    -- distinct values of this event
    list = split(m[6])
    local known = {}
    for _, name in ipairs(list) do known[name] = true end
    local counted = {}
    local added = false
    for j = 1, k do
      local name, member = ARGV[p], ARGV[p + 1]
      p = p + 2
      local z = base .. ':dv:' .. name
      call('ZADD', z, 'GT', AT, member)
      call('ZREMRANGEBYSCORE', z, '-inf', CUT24)
      local card = call('ZCARD', z)
      if card > cap then
        call('ZREMRANGEBYRANK', z, 0, card - cap - 1)
        card = cap
      end
      call('PEXPIRE', z, ZTTL)
      counted[name] = {call('ZCOUNT', z, LO1, '+inf'), card}
      if not known[name] then
        known[name] = true
        list[#list + 1] = name
        added = true
      end
    end
    if added then
      set[#set + 1] = '_dn'
      set[#set + 1] = table.concat(list, ',')
    end
    if #del > 0 then call('HDEL', base, unpack(del)) end
    call('HSET', base, unpack(set))
    if head7moved then call('PEXPIRE', base, ms(E[4] * B[4] + W[4] - now + MARGIN)) end
    res[9] = #list
    for _, name in ipairs(list) do
      local c = counted[name]
      res[#res + 1] = name
      if c then
        res[#res + 1] = c[1]
        res[#res + 1] = c[2]
      else
        local z = base .. ':dv:' .. name
        res[#res + 1] = call('ZCOUNT', z, LO1, '+inf')
        res[#res + 1] = call('ZCOUNT', z, LO24, '+inf')
      end
    end
  else
    local m = call('HMGET', base, 'm', '_dn')
    local meta = m[1] and {unpk(MF, m[1])} or nil
    for g = 1, 4 do
      local n, u = 0, 0
      if meta then
        local o = (g - 1) * 4
        local live = meta[4] + meta[8] + meta[12] + meta[16]
        local h, cur, Ng = meta[o + 1], E[g], N[g]
        if h >= 0 and cur - h < Ng then
          n, u = meta[o + 2], meta[o + 3]
          if cur > h then
            local c, x, nb
            c, x, nb, all = range(base, g, h - Ng, cur - Ng, nil, all, live)
            n, u = n - c, u - x
          elseif cur < h then
            local nb
            n, u, nb, all = range(base, g, cur - Ng, cur, nil, all, live)
          end
        end
      end
      res[g] = n
      res[g + 4] = u
    end
    if k < 0 then
      list = split(m[2])
    else
      list = {}
      for j = 1, k do
        list[j] = ARGV[p]
        p = p + 1
      end
    end
    res[9] = #list
    for _, name in ipairs(list) do
      local z = base .. ':dv:' .. name
      res[#res + 1] = name
      res[#res + 1] = call('ZCOUNT', z, LO1, AT)
      res[#res + 1] = call('ZCOUNT', z, LO24, AT)
    end
  end
  out[i] = res
end
return out
`;

const SHA = createHash('sha1').update(VELOCITY_LUA).digest('hex');

type Reply = Array<Array<number | string>>;

export class RedisVelocityStore implements VelocityStore {
  readonly client: Redis;
  readonly prefix: string;
  private readonly ownsClient: boolean;
  private readonly clock: VelocityClock;
  private readonly cap: number;
  private readonly secret: string | undefined;

  constructor(opts: RedisVelocityOptions) {
    if (opts.client) {
      this.client = opts.client;
      this.ownsClient = false;
    } else {
      // Fail fast rather than queue: a risk decision must not wait for Redis to come back.
      this.client = new Redis(opts.url ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, ...opts.redisOptions });
      this.ownsClient = true;
    }
    this.prefix = opts.prefix ?? 'tg:vel:';
    this.clock = opts.clock ?? systemVelocityClock;
    this.cap = Math.max(1, Math.floor(opts.distinctCap ?? DEFAULT_DISTINCT_CAP));
    this.secret = opts.keySecret;
  }

  private digest(s: string): string {
    const h = this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
    return h.update(s).digest('base64url').slice(0, 22);
  }

  /** The Redis key base of one (dim, key). */
  keyOf(dim: string, key: string): string {
    return `${this.prefix}{${dim}:${this.digest(key)}}`;
  }

  async observe(e: VelocityEvent): Promise<VelocitySnapshot> {
    const at = e.at;
    if (typeof at !== 'number' || !Number.isFinite(at)) throw new TypeError('velocity event needs a finite `at` (ms)');
    const micros = toMicros(e.amountUsd);
    const dims: string[] = [];
    const keys: string[] = [];
    const args: Array<string | number> = [Math.floor(at), Math.floor(this.clock.now()), micros, 'o', this.cap];
    const digests = new Map<string, string>();
    for (const { dim, key } of e.dims) {
      if (typeof key !== 'string' || key.length === 0) continue;
      checkName(dim, 'dim');
      dims.push(dim);
      keys.push(this.keyOf(dim, key));
      const lenAt = args.length;
      args.push(0);
      let k = 0;
      const d = e.distinct;
      if (d) {
        for (const name in d) {
          const value = d[name];
          if (name === dim || typeof value !== 'string' || value.length === 0) continue;
          checkName(name, 'distinct');
          let dg = digests.get(value);
          if (dg === undefined) digests.set(value, (dg = this.digest(value)));
          args.push(name, dg);
          k++;
        }
      }
      args[lenAt] = k;
    }
    if (keys.length === 0) return {};
    return this.parse(dims, await this.run(keys, args));
  }

  async peek(dims: VelocityDim[], at: number, distinctNames?: string[]): Promise<VelocitySnapshot> {
    const names: string[] = [];
    const keys: string[] = [];
    const args: Array<string | number> = [Math.floor(at), Math.floor(this.clock.now()), 0, 'p', this.cap];
    for (const { dim, key } of dims) {
      if (typeof key !== 'string' || key.length === 0) continue;
      checkName(dim, 'dim');
      names.push(dim);
      keys.push(this.keyOf(dim, key));
      if (distinctNames) {
        args.push(distinctNames.length);
        for (const n of distinctNames) {
          checkName(n, 'distinct');
          args.push(n);
        }
      } else args.push(-1);
    }
    if (keys.length === 0) return {};
    return this.parse(names, await this.run(keys, args));
  }

  /** EVALSHA; on NOSCRIPT (script cache flushed, failover) EVAL, which also caches it again. */
  private async run(keys: string[], args: Array<string | number>): Promise<Reply> {
    try {
      return (await this.client.evalsha(SHA, keys.length, ...keys, ...args)) as Reply;
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
      return (await this.client.eval(VELOCITY_LUA, keys.length, ...keys, ...args)) as Reply;
    }
  }

  private parse(dims: string[], reply: Reply): VelocitySnapshot {
    const out: VelocitySnapshot = {};
    for (let i = 0; i < dims.length; i++) {
      const r = reply[i];
      const v: DimVelocity = {
        count_1m: Number(r[0]),
        count_1h: Number(r[1]),
        count_24h: Number(r[2]),
        count_7d: Number(r[3]),
        sum_usd_1m: Number(r[4]) / 1e6,
        sum_usd_1h: Number(r[5]) / 1e6,
        sum_usd_24h: Number(r[6]) / 1e6,
        sum_usd_7d: Number(r[7]) / 1e6,
      };
      const n = Number(r[8]);
      for (let j = 0; j < n; j++) {
        const f = distinctFields(String(r[9 + j * 3]));
        v[f[0]] = Number(r[10 + j * 3]);
        v[f[1]] = Number(r[11 + j * 3]);
      }
      out[dims[i]] = v;
    }
    return out;
  }

  /** Deletes every key under this store's prefix (tests, resets). SCAN-based; never on a hot path. */
  async clear(): Promise<number> {
    let cursor = '0';
    let n = 0;
    const pattern = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    do {
      const [next, found] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (found.length) n += await this.client.unlink(...found);
    } while (cursor !== '0');
    return n;
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
