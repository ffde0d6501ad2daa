;; Glue between JS and the Lua VM (wasmoon's wasm), in WebAssembly so that the VM's hot
;; paths stay inside WebAssembly: a call from this module into wasmoon's exports (imported
;; below) is a direct wasm call, where a JS→wasm crossing costs ~40 ns. Lua's allocator
;; (called for every table, string and closure a script makes), setting KEYS and ARGV and
;; starting a script each cost one crossing instead of up to twenty; a redis.call, its
;; arguments and its reply together cost one (`callTrampoline`), and an argument string JS
;; has read before is named by a pin slot instead of read again (`args`). `deno task gen:lua-glue` (needs wabt's wat2wasm) assembles it into
;; lua_glue_wasm.ts; lua_runtime.ts instantiates it.
(module
  (import "lua" "memory" (memory 0))
  (import "lua" "heaps" (global $heaps i32))
  ;; The pointers of the strings pinned for `args`: 1024 slots of 4 bytes.
  (import "lua" "pins" (global $pins i32))
  (import "lua" "realloc" (func $realloc (param i32 i32) (result i32)))
  (import "lua" "free" (func $free (param i32)))
  (import "lua" "lua_gettop" (func $gettop (param i32) (result i32)))
  (import "lua" "lua_settop" (func $settop (param i32 i32)))
  (import "lua" "lua_pushvalue" (func $pushvalue (param i32 i32)))
  (import "lua" "lua_type" (func $type (param i32 i32) (result i32)))
  (import "lua" "lua_tolstring" (func $tolstring (param i32 i32 i32) (result i32)))
  (import "lua" "lua_pushlstring" (func $pushlstring (param i32 i32 i32) (result i32)))
  (import "lua" "lua_rawgeti" (func $rawgeti (param i32 i32 i64) (result i32)))
  (import "lua" "lua_createtable" (func $createtable (param i32 i32 i32)))
  (import "lua" "lua_rawset" (func $rawset (param i32 i32)))
  (import "lua" "lua_rawseti" (func $rawseti (param i32 i32 i64)))
  (import "lua" "lua_pcallk"
    (func $pcallk (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "lua" "lua_pushinteger" (func $pushinteger (param i32 i64)))
  (import "lua" "lua_isinteger" (func $isinteger (param i32 i32) (result i32)))
  (import "lua" "lua_tointegerx" (func $tointegerx (param i32 i32 i32) (result i64)))
  (import "lua" "lua_tonumberx" (func $tonumberx (param i32 i32 i32) (result f64)))
  ;; A block of 32 bytes shared with JS: at 0 the address of the buffer `callTrampoline`
  ;; reads a redis.call's arguments into, from 8 a result for $finish to push.
  (import "lua" "out" (global $out i32))
  ;; Runs JS function number `id` for Lua state L, `argc` its arguments read by
  ;; `callTrampoline` (0 from `trampoline`); returns its result count, or a code $finish reads.
  (import "js" "dispatch" (func $dispatch (param i32 i32 i32) (result i32)))

  ;; Lua's allocator (lua_Alloc): heap `ud` has its bytes in use at heaps + ud * 8 and its
  ;; limit at heaps + ud * 8 + 4.
  (func (export "alloc") (param $ud i32) (param $ptr i32) (param $osize i32) (param $nsize i32)
    (result i32)
    (local $at i32) (local $grow i32) (local $out i32)
    (local.set $at (i32.add (global.get $heaps) (i32.shl (local.get $ud) (i32.const 3))))
    (if (i32.eqz (local.get $nsize))
      (then
        (if (local.get $ptr)
          (then
            (i32.store (local.get $at) (i32.sub (i32.load (local.get $at)) (local.get $osize)))
            (call $free (local.get $ptr))))
        (return (i32.const 0))))
    (local.set $grow
      (if (result i32) (local.get $ptr)
        (then (i32.sub (local.get $nsize) (local.get $osize)))
        (else (local.get $nsize))))
    (if (i32.gt_s (local.get $grow) (i32.const 0))
      (then
        (if (i32.gt_u (i32.add (i32.load (local.get $at)) (local.get $grow))
              (i32.load offset=4 (local.get $at)))
          (then (return (i32.const 0))))))
    (local.set $out (call $realloc (local.get $ptr) (local.get $nsize)))
    (if (local.get $out)
      (then
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (local.get $grow)))))
    (local.get $out))

  ;; A redis.call's arguments, when there are at most `cap` and all are strings: for each,
  ;; its pointer, length and pin code at `out` (12 bytes apiece), the stack emptied, and
  ;; their count returned. Else -count, the stack untouched.
  ;;
  ;; The pin code saves JS from reading back the bytes of a string it has seen: slot
  ;; `pinSlot(pointer)` of the shared table at `pins` holds the pointer of the string last
  ;; pinned there, and the running closure's second upvalue (a table of this Lua state)
  ;; holds that string at index slot + 1, so it stays alive and its pointer names it alone.
  ;; Same pointer: code slot + 1 (JS has the string); else the argument is pinned in the
  ;; slot, code -(slot + 1) (JS reads it and keeps it for the slot); code 0 for a string
  ;; longer than 40 bytes (not pinned: JS reads it).
  (func $args (param $L i32) (param $out i32) (param $cap i32) (result i32)
    (local $n i32) (local $i i32) (local $ptr i32) (local $out0 i32)
    (local.set $out0 (local.get $out))
    (local.set $n (call $gettop (local.get $L)))
    (if (i32.gt_s (local.get $n) (local.get $cap))
      (then (return (i32.sub (i32.const 0) (local.get $n)))))
    (local.set $i (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.gt_s (local.get $i) (local.get $n)))
        (if (i32.ne (call $type (local.get $L) (local.get $i)) (i32.const 4))
          (then
            (call $unpin (local.get $out0) (local.get $out))
            (return (i32.sub (i32.const 0) (local.get $n)))))
        (local.set $ptr (call $tolstring (local.get $L) (local.get $i)
          (i32.add (local.get $out) (i32.const 4))))
        (i32.store (local.get $out) (local.get $ptr))
        ;; Only short strings are pinned (at most 40 bytes, Lua's interned ones): a pin must
        ;; not keep a large value alive. Code 0: not pinned, JS reads it.
        (i32.store offset=8 (local.get $out) (i32.const 0))
        (if (i32.le_u (i32.load offset=4 (local.get $out)) (i32.const 40))
          (then (call $pin (local.get $L) (local.get $i) (local.get $ptr) (local.get $out))))
        (local.set $out (i32.add (local.get $out) (i32.const 12)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $settop (local.get $L) (i32.const 0))
    (local.get $n))

  ;; The pin code of argument `i`, a string at `ptr`, written at out + 8 (see `args`).
  (func $pin (param $L i32) (param $i i32) (param $ptr i32) (param $out i32)
    (local $slot i32) (local $at i32)
    ;; Fibonacci hashing of the pointer: 10 bits, 1024 slots.
    (local.set $slot
      (i32.shr_u (i32.mul (local.get $ptr) (i32.const -1640531535)) (i32.const 22)))
    (local.set $at (i32.add (global.get $pins) (i32.shl (local.get $slot) (i32.const 2))))
    (if (i32.eq (i32.load (local.get $at)) (local.get $ptr))
      (then
        (i32.store offset=8 (local.get $out) (i32.add (local.get $slot) (i32.const 1))))
      (else
        (call $pushvalue (local.get $L) (local.get $i))
        (call $rawseti (local.get $L) (i32.const -1001002)
          (i64.extend_i32_u (i32.add (local.get $slot) (i32.const 1))))
        (i32.store (local.get $at) (local.get $ptr))
        (i32.store offset=8 (local.get $out)
          (i32.sub (i32.const -1) (local.get $slot))))))

  ;; The entries `args` wrote from `out` to `end` are given up (JS reads none of them):
  ;; the slots it pinned are emptied, as JS will not have their strings.
  (func $unpin (param $out i32) (param $end i32)
    (local $code i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $code (i32.load offset=8 (local.get $out)))
        (if (i32.lt_s (local.get $code) (i32.const 0))
          (then
            (i32.store
              (i32.add (global.get $pins)
                (i32.shl (i32.sub (i32.const -1) (local.get $code)) (i32.const 2)))
              (i32.const 0))))
        (local.set $out (i32.add (local.get $out) (i32.const 12)))
        (br $next))))

  ;; Pushes an array of the `n` strings whose (pointer, length) pairs are at `desc`.
  (func $array (param $L i32) (param $desc i32) (param $n i32)
    (local $i i32)
    (call $createtable (local.get $L) (local.get $n) (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (drop (call $pushlstring (local.get $L)
          (i32.load (local.get $desc)) (i32.load offset=4 (local.get $desc))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (call $rawseti (local.get $L) (i32.const -2) (i64.extend_i32_u (local.get $i)))
        (local.set $desc (i32.add (local.get $desc) (i32.const 8)))
        (br $next))))

  ;; KEYS and ARGV: in the table at registry[globals], field names[0, 4) becomes an array of
  ;; the first `nkeys` strings described at `desc`, field names[4, 8) one of the next `nargs`.
  (func (export "setArgs") (param $L i32) (param $globals i32) (param $names i32)
    (param $desc i32) (param $nkeys i32) (param $nargs i32)
    (drop (call $rawgeti (local.get $L) (i32.const -1001000)
      (i64.extend_i32_u (local.get $globals))))
    (drop (call $pushlstring (local.get $L) (local.get $names) (i32.const 4)))
    (call $array (local.get $L) (local.get $desc) (local.get $nkeys))
    (call $rawset (local.get $L) (i32.const -3))
    (drop (call $pushlstring (local.get $L)
      (i32.add (local.get $names) (i32.const 4)) (i32.const 4)))
    (call $array (local.get $L)
      (i32.add (local.get $desc) (i32.shl (local.get $nkeys) (i32.const 3)))
      (local.get $nargs))
    (call $rawset (local.get $L) (i32.const -3))
    (call $settop (local.get $L) (i32.const -2)))

  ;; Calls registry[fn] with no arguments and one result, registry[handler] as the message
  ;; handler (both left below the result); returns lua_pcall's status.
  (func (export "run") (param $L i32) (param $handler i32) (param $fn i32) (result i32)
    (local $base i32)
    (local.set $base (call $gettop (local.get $L)))
    (drop (call $rawgeti (local.get $L) (i32.const -1001000)
      (i64.extend_i32_u (local.get $handler))))
    (drop (call $rawgeti (local.get $L) (i32.const -1001000) (i64.extend_i32_u (local.get $fn))))
    (call $pcallk (local.get $L) (i32.const 0) (i32.const 1)
      (i32.add (local.get $base) (i32.const 1)) (i32.const 0) (i32.const 0)))

  ;; Every JS function Lua calls is a closure of this one, its first upvalue (a float) the
  ;; function's number: read here, so that the call costs one wasm→JS crossing.
  (func (export "trampoline") (param $L i32) (result i32)
    (call $finish (local.get $L)
      (call $dispatch (local.get $L) (call $id (local.get $L)) (i32.const 0))))

  ;; The trampoline of redis.call and redis.pcall: their arguments are read first by `args`
  ;; (at most 64, into the buffer whose address is at `out`), so the call, its arguments
  ;; and its reply cost one crossing. The closure's second upvalue is its state's pin table.
  (func (export "callTrampoline") (param $L i32) (result i32)
    (local $id i32)
    (local.set $id (call $id (local.get $L)))
    (call $finish (local.get $L)
      (call $dispatch (local.get $L) (local.get $id)
        (call $args (local.get $L) (i32.load (global.get $out)) (i32.const 64)))))

  ;; The JS function number in the running closure's first upvalue.
  (func $id (param $L i32) (result i32)
    (i32.trunc_f64_s (call $tonumberx (local.get $L) (i32.const -1001001) (i32.const 0))))

  ;; A JS function's result `r`: a count (>= 0) is returned as it is; -1, -2 and -3 ask for
  ;; one value to be pushed from `out` (so the reply costs no crossing of its own): -1 the
  ;; integer given as a double at out + 8, -2 the string (pointer, length) at out + 16,
  ;; -3 the table {ok = that string} (a status reply; "ok" is at out + 24).
  (func $finish (param $L i32) (param $r i32) (result i32)
    (local $at i32)
    (if (i32.ge_s (local.get $r) (i32.const 0)) (then (return (local.get $r))))
    (local.set $at (global.get $out))
    (if (i32.eq (local.get $r) (i32.const -1))
      (then
        (call $pushinteger (local.get $L) (i64.trunc_f64_s (f64.load offset=8 (local.get $at))))
        (return (i32.const 1))))
    (if (i32.eq (local.get $r) (i32.const -3))
      (then
        (call $createtable (local.get $L) (i32.const 0) (i32.const 1))
        (drop (call $pushlstring (local.get $L)
          (i32.add (local.get $at) (i32.const 24)) (i32.const 2)))))
    (drop (call $pushlstring (local.get $L)
      (i32.load offset=16 (local.get $at)) (i32.load offset=20 (local.get $at))))
    (if (i32.eq (local.get $r) (i32.const -3))
      (then (call $rawset (local.get $L) (i32.const -3))))
    (i32.const 1))

  ;; lua_pushinteger of a JS number that is an integer (no BigInt on the JS side).
  (func (export "pushInteger") (param $L i32) (param $n f64)
    (call $pushinteger (local.get $L) (i64.trunc_f64_s (local.get $n))))

  ;; The value on top when it is a string or a number, for JS to read at `out`: a string's
  ;; pointer at out + 8 and length at out + 12, returns 4; an integer within ±2^53 as a
  ;; double at out, returns 9; a wider one as an i64 at out, returns 10; a float as a double
  ;; at out, returns 3. Any other value: returns its type, writes nothing.
  (func (export "scalar") (param $L i32) (param $out i32) (result i32)
    (local $t i32) (local $n i64)
    (local.set $t (call $type (local.get $L) (i32.const -1)))
    (if (i32.eq (local.get $t) (i32.const 4))
      (then
        (i32.store offset=8 (local.get $out)
          (call $tolstring (local.get $L) (i32.const -1) (i32.add (local.get $out) (i32.const 12))))
        (return (i32.const 4))))
    (if (i32.ne (local.get $t) (i32.const 3)) (then (return (local.get $t))))
    (if (i32.eqz (call $isinteger (local.get $L) (i32.const -1)))
      (then
        (f64.store (local.get $out) (call $tonumberx (local.get $L) (i32.const -1) (i32.const 0)))
        (return (i32.const 3))))
    (local.set $n (call $tointegerx (local.get $L) (i32.const -1) (i32.const 0)))
    (if (i32.and
          (i64.ge_s (local.get $n) (i64.const -9007199254740991))
          (i64.le_s (local.get $n) (i64.const 9007199254740991)))
      (then
        (f64.store (local.get $out) (f64.convert_i64_s (local.get $n)))
        (return (i32.const 9))))
    (i64.store (local.get $out) (local.get $n))
    (i32.const 10))

  ;; Pushes the table {[key] = value}, both strings given as (pointer, length): a status
  ;; reply's {ok = "OK"}.
  (func (export "pushField") (param $L i32) (param $key i32) (param $keyLen i32)
    (param $value i32) (param $valueLen i32)
    (call $createtable (local.get $L) (i32.const 0) (i32.const 1))
    (drop (call $pushlstring (local.get $L) (local.get $key) (local.get $keyLen)))
    (drop (call $pushlstring (local.get $L) (local.get $value) (local.get $valueLen)))
    (call $rawset (local.get $L) (i32.const -3))))

