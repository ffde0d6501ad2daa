import { assertEquals } from "../../tests/support/assert.ts";
import { crc16, keySlot } from "./cluster_slots.ts";

Deno.test("CRC16 is XModem's, as Redis Cluster's spec gives it", () => {
  assertEquals(crc16("123456789"), 0x31c3);
});

Deno.test("key slots match redis-cli CLUSTER KEYSLOT, hash tags included", () => {
  assertEquals(keySlot("foo"), 12182);
  assertEquals(keySlot("bar"), 5061);
  assertEquals(keySlot("{user1000}.following"), keySlot("user1000"));
  assertEquals(keySlot("foo{}{bar}"), crc16("foo{}{bar}") & 16383); // empty tag: whole key
  assertEquals(keySlot("foo{{bar}}zap"), keySlot("{bar"));
  assertEquals(keySlot("foo{bar}{zap}"), keySlot("bar"));
});
