/**
 * The Lua side of the sandbox, run once in every new state before any user code: the globals
 * Redis 7.0 gives scripts (and no others: no os, io, package, require, dofile, loadfile,
 * print, debug), Lua 5.1 names on top of Lua 5.4 (unpack, loadstring, gcinfo), Redis's
 * deterministic math.random, the `bit` library (LuaBitOp semantics on 5.4 integers), the
 * error handler that adds the script position to errors, and Redis's `pcall`, which hands
 * back the `err` text of table errors.
 *
 * Globals protection: user chunks get as their globals an empty proxy whose reads fall
 * through to the real globals and, for names that do not exist, raise Redis's "Script
 * attempted to access nonexistent global variable"; every write raises "Attempt to modify
 * a readonly table". `__respd_protect` (called by the engine after it added `redis`,
 * `cjson`, `cmsgpack`) installs that proxy.
 */

export const SANDBOX_LUA = String.raw`
local G = _G
local dbg = debug
local lua_pcall = pcall
local tpack, tunpack, type, tostring, rawget, error = table.pack, table.unpack, type, tostring, rawget, error

unpack = table.unpack
-- Text chunks only: precompiled bytecode can corrupt the VM (Redis refuses it too).
local lua_load = load
load = function(chunk, name, _, env)
  if env == nil then return lua_load(chunk, name, "t") end
  return lua_load(chunk, name, "t", env)
end
loadstring = function(s, name) return lua_load(s, name, "t") end
gcinfo = function() return math.floor(collectgarbage("count")) end
for _, name in ipairs({"io", "os", "package", "utf8", "require", "dofile", "loadfile",
                       "print", "warn", "rawlen", "debug"}) do
  G[name] = nil
end
-- Lua 5.1 names scripts still use.
math.pow = function(x, y) return x ^ y end
math.mod = math.fmod
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.frexp = function(x)
  if x == 0 or x ~= x or x == math.huge or x == -math.huge then return x, 0 end
  local e = math.floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m = m / 2; e = e + 1 end
  if math.abs(m) < 0.5 then m = m * 2; e = e - 1 end
  return m, e
end
table.getn = function(t) return #t end
table.maxn = function(t)
  local max = 0
  for k in next, t do
    if type(k) == 'number' and k > max then max = k end
  end
  return max
end
table.foreach = function(t, f)
  for k, v in next, t do
    local r = f(k, v)
    if r ~= nil then return r end
  end
end
table.foreachi = function(t, f)
  for i = 1, #t do
    local r = f(i, t[i])
    if r ~= nil then return r end
  end
end
string.gfind = string.gmatch

-- Lua 5.4 words runtime errors differently from the 5.1 Redis embeds: "attempt to call a
-- nil value (global 'f')" is "attempt to call global 'f' (a nil value)" in 5.1.
local function lua51_message(msg)
  local out = msg:gsub("attempt to ([%a ]-) an? (%a+) value %((%a+) '(.-)'%)", function(op, t, kind, name)
    if kind == "constant" then kind = "local" end
    return "attempt to " .. op .. " " .. kind .. " '" .. name .. "' (a " .. t .. " value)"
  end)
  return out
end

function __redis__err__handler(err)
  -- Redis reports the caller of a failing C function; respd's own Lua helpers (this file)
  -- stand for Redis's C functions, so they are skipped the same way.
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  while i and (i.what == 'C' or i.source == '=sandbox' or i.source == '=functions') do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then
    err = {err = 'ERR ' .. lua51_message(tostring(err))}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end

pcall = function(f, ...)
  local r = tpack(lua_pcall(f, ...))
  if not r[1] then
    local e = r[2]
    if type(e) == 'table' then
      local msg = e.err
      if type(msg) == 'string' or type(msg) == 'number' then e = msg end
    end
    return false, e
  end
  return tunpack(r, 1, r.n)
end

-- Redis's math.random: lrand48, the same sequence on every platform; Redis 7.0 no longer
-- reseeds it before each script.
local rand_x = 0
local LRAND48_MAX = 2147483647
local function srand48(seed)
  seed = seed & 0xffffffff
  rand_x = (seed << 16) | 0x330E
end
local function lrand48()
  rand_x = (rand_x * 0x5DEECE66D + 0xB) & 0xffffffffffff
  return rand_x >> 17
end
local function checkint(v, n)
  local x = tonumber(v)
  if x == nil then
    error("bad argument #" .. n .. " to 'random' (number expected, got " ..
          (v == nil and "no value" or type(v)) .. ")", 3)
  end
  if math.type(x) == 'float' then x = math.tointeger(x < 0 and math.ceil(x) or math.floor(x)) or 0 end
  return x
end
math.random = function(...)
  local n = select('#', ...)
  local r = (lrand48() % LRAND48_MAX) / LRAND48_MAX
  if n == 0 then return r end
  if n == 1 then
    local u = checkint((...), 1)
    if u < 1 then error("bad argument #1 to 'random' (interval is empty)", 2) end
    return math.floor(r * u) + 1
  end
  if n == 2 then
    local l, u = checkint((...), 1), checkint(select(2, ...), 2)
    if l > u then error("bad argument #2 to 'random' (interval is empty)", 2) end
    return math.floor(r * (u - l + 1)) + l
  end
  error("wrong number of arguments", 2)
end
math.randomseed = function(s)
  local x = tonumber(s)
  if x == nil then error("bad argument #1 to 'randomseed' (number expected, got " ..
                         (s == nil and "no value" or type(s)) .. ")", 2) end
  srand48(math.tointeger(x < 0 and math.ceil(x) or math.floor(x)) or 0)
end
srand48(0)

-- LuaBitOp: numbers become signed 32-bit integers (fractions rounded half to even).
local function tobit(x)
  local n = tonumber(x)
  if n == nil then
    error("bad argument #1 to '?' (number expected, got " .. (x == nil and "no value" or type(x)) .. ")", 3)
  end
  if math.type(n) == 'float' then
    if n ~= n or n == math.huge or n == -math.huge then return 0 end
    local f = math.floor(n)
    local d = n - f
    if d > 0.5 or (d == 0.5 and f % 2 == 1) then f = f + 1 end
    n = math.tointeger(math.fmod(f, 4294967296.0)) or 0
  end
  n = n & 0xffffffff
  if n >= 0x80000000 then n = n - 0x100000000 end
  return n
end
local function norm(n)
  n = n & 0xffffffff
  if n >= 0x80000000 then n = n - 0x100000000 end
  return n
end
bit = {
  tobit = function(x) return tobit(x) end,
  bnot = function(x) return norm(~tobit(x)) end,
  band = function(x, ...) local r = tobit(x) for i = 1, select('#', ...) do r = r & tobit((select(i, ...))) end return norm(r) end,
  bor = function(x, ...) local r = tobit(x) for i = 1, select('#', ...) do r = r | tobit((select(i, ...))) end return norm(r) end,
  bxor = function(x, ...) local r = tobit(x) for i = 1, select('#', ...) do r = r ~ tobit((select(i, ...))) end return norm(r) end,
  lshift = function(x, n) return norm((tobit(x) & 0xffffffff) << (tobit(n) & 31)) end,
  rshift = function(x, n) return norm((tobit(x) & 0xffffffff) >> (tobit(n) & 31)) end,
  arshift = function(x, n) return norm(tobit(x) >> (tobit(n) & 31) | (tobit(x) < 0 and ~(0xffffffff >> (tobit(n) & 31)) or 0)) end,
  rol = function(x, n) local v, s = tobit(x) & 0xffffffff, tobit(n) & 31 return norm((v << s) | (v >> ((32 - s) & 31))) end,
  ror = function(x, n) local v, s = tobit(x) & 0xffffffff, tobit(n) & 31 return norm((v >> s) | (v << ((32 - s) & 31))) end,
  bswap = function(x) local v = tobit(x) & 0xffffffff
    return norm(((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | (v >> 24)) end,
  tohex = function(x, n)
    local v = tobit(x) & 0xffffffff
    n = n == nil and 8 or tobit(n)
    local digits = "0123456789abcdef"
    if n < 0 then n = -n; digits = "0123456789ABCDEF" end
    if n > 8 then n = 8 end
    local out = {}
    for i = n, 1, -1 do
      local d = v & 15
      out[i] = digits:sub(d + 1, d + 1)
      v = v >> 4
    end
    return table.concat(out)
  end,
}

-- cjson.encode, as lua_cjson does it (decode is in JS: json_codec.ts).
local encode_value
local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b',
                  ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function escape(s)
  return '"' .. s:gsub('[%c"\\/]', function(c)
    return escapes[c] or string.format('\\u%04x', c:byte())
  end) .. '"'
end
local function encode_number(x)
  if x ~= x or x == math.huge or x == -math.huge then
    error("Cannot serialise number: must not be NaN or Inf", 0)
  end
  if math.type(x) == 'integer' then return tostring(x) end
  return string.format('%.14g', x)
end
local function encode_table(t, depth)
  if depth > 1000 then error("Cannot serialise, excessive nesting (1001)", 0) end
  local max, items, array = 0, 0, true
  for k in next, t do
    if type(k) == 'number' and k > 0 and math.type(k) == 'integer' or (type(k) == 'number' and k > 0 and k == math.floor(k)) then
      if k > max then max = k end
      items = items + 1
    else
      array = false
      break
    end
  end
  if array and max > 0 then
    if max > items * 2 and max > 10 then
      error("Cannot serialise table: excessively sparse array", 0)
    end
    local out = {}
    for i = 1, max do out[i] = encode_value(t[i], depth + 1) end
    return '[' .. table.concat(out, ',') .. ']'
  end
  local out = {}
  for k, v in next, t do
    local key
    if type(k) == 'string' then key = escape(k)
    elseif type(k) == 'number' then key = '"' .. encode_number(k) .. '"'
    else error("Cannot serialise table: table key must be a number or string", 0) end
    out[#out + 1] = key .. ':' .. encode_value(v, depth + 1)
  end
  return '{' .. table.concat(out, ',') .. '}'
end
local json_null
encode_value = function(v, depth)
  local t = type(v)
  if t == 'string' then return escape(v)
  elseif t == 'number' then return encode_number(v)
  elseif t == 'boolean' then return v and 'true' or 'false'
  elseif t == 'nil' then return 'null'
  elseif t == 'table' then return encode_table(v, depth)
  elseif t == 'lightuserdata' and v == json_null then return 'null'
  end
  error("Cannot serialise " .. t .. ": type not supported", 0)
end
__respd_cjson_encode = function(null)
  json_null = null
  return function(...)
    if select('#', ...) ~= 1 then error("bad argument #1 to 'encode' (expected 1 argument)", 2) end
    local ok, r = lua_pcall(encode_value, (...), 0)
    if not ok then error(r, 2) end
    return r
  end
end

-- Installs the globals proxy (see the module comment). Must run last.
local function readonly(t)
  return setmetatable({}, { __index = t, __newindex = function()
    error("Attempt to modify a readonly table", 2)
  end, __metatable = false })
end
__respd_protect = function()
  G.__respd_protect = nil
  G.__respd_cjson_encode = nil
  for _, name in ipairs({"string", "math", "table", "coroutine", "bit", "cjson", "cmsgpack",
                         "struct", "redis"}) do
    if rawget(G, name) ~= nil then G[name] = readonly(rawget(G, name)) end
  end
  local proxy = readonly(G)
  local lua_rawset = rawset
  G.rawset = function(t, k, v)
    if t == proxy then error("Attempt to modify a readonly table", 0) end
    return lua_rawset(t, k, v)
  end
  setmetatable(G, { __index = function(_, name)
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end, __metatable = false })
  lua_rawset(G, '_G', proxy)
  return proxy
end
`;
