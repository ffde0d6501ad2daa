/**
 * Differential sequences for pub/sub on one connection: subscription replies (arrays in
 * RESP2, pushes in RESP3), the commands allowed in RESP2's subscribed mode, a client's
 * own messages in RESP3, PUBSUB introspection, and RESET. Each sequence uses channel names
 * of its own, so a connection another sequence just closed cannot be counted.
 */

import { read, seq, type Sequence } from "../support/differential.ts";

export const sequences: Sequence[] = [
  seq("SUBSCRIBE one channel", "SUBSCRIBE s1"),
  seq("SUBSCRIBE two channels", { cmd: "SUBSCRIBE s2a s2b", replies: 2 }),
  seq("SUBSCRIBE twice to the same channel", "SUBSCRIBE s3", "SUBSCRIBE s3"),
  seq("SUBSCRIBE arity", "SUBSCRIBE"),
  seq(
    "PSUBSCRIBE and PUNSUBSCRIBE",
    { cmd: "PSUBSCRIBE p4* p4?", replies: 2 },
    "PUNSUBSCRIBE p4*",
    "PUNSUBSCRIBE p4?",
  ),
  // (with several channels Redis answers in its hash table's order: one of each kind here)
  seq(
    "UNSUBSCRIBE from all",
    "SUBSCRIBE s5a",
    "PSUBSCRIBE p5*",
    "UNSUBSCRIBE",
    "PUNSUBSCRIBE",
    "PING",
  ),
  seq("UNSUBSCRIBE without subscriptions", "UNSUBSCRIBE", "PUNSUBSCRIBE", "PING"),
  seq("UNSUBSCRIBE from a channel not subscribed", "SUBSCRIBE s7", "UNSUBSCRIBE other7"),
  seq("subscribed mode allows PING", "SUBSCRIBE s8", "PING", "PING hello"),
  seq(
    "subscribed mode refuses other commands in RESP2",
    "SUBSCRIBE s9",
    "GET k",
    "SET k v",
    "PUBLISH s9 x",
    {
      cmd: "UNSUBSCRIBE s9",
    },
    "GET k",
  ),
  seq("PUBLISH without subscribers", "PUBLISH nobody10 hello"),
  seq("PUBLISH arity", "PUBLISH ch11", "PUBLISH ch11 a b"),
  seq("PUBSUB NUMSUB and CHANNELS before subscribing", "PUBSUB NUMSUB s12 x12", {
    cmd: "PUBSUB CHANNELS s12*",
    unordered: true,
  }, "PUBSUB NUMPAT"),
  seq(
    "RESET leaves subscribed mode",
    "SUBSCRIBE s13",
    { cmd: "PSUBSCRIBE p13*" },
    "RESET",
    "GET k",
    "PUBSUB NUMSUB s13",
  ),
  seq("PUBSUB with an unknown subcommand", "PUBSUB NOPE", "PUBSUB"),
  seq("QUIT in subscribed mode", "SUBSCRIBE s15", "QUIT"),
  {
    ...seq(
      "RESP3: a client receives its own messages",
      "SUBSCRIBE s16",
      { cmd: "PUBLISH s16 hello", replies: 2 },
      "GET k",
      "PUBSUB NUMSUB s16",
    ),
    protocols: [3],
  },
  {
    ...seq(
      "RESP3: pattern messages",
      "PSUBSCRIBE p17.*",
      { cmd: "PUBLISH p17.x hi", replies: 2 },
      { cmd: "PUBLISH p17 none" },
      "PUBSUB NUMPAT",
    ),
    protocols: [3],
  },
  {
    ...seq(
      "RESP3: a channel and a pattern both match",
      "SUBSCRIBE c18",
      "PSUBSCRIBE c1?",
      { cmd: "PUBLISH c18 both", replies: 3 },
      { cmd: "PUBSUB CHANNELS c18*", unordered: true },
    ),
    protocols: [3],
  },
  // Sharded pub/sub as a standalone Redis 7.0 answers it: counts of shard channels alone.
  seq(
    "SSUBSCRIBE counts shard channels apart",
    "SSUBSCRIBE h1a",
    "SSUBSCRIBE h1b",
    "SUBSCRIBE h1c",
  ),
  seq("SSUBSCRIBE twice to the same channel", "SSUBSCRIBE h2", "SSUBSCRIBE h2"),
  seq("SSUBSCRIBE and SPUBLISH arity", "SSUBSCRIBE", "SPUBLISH h3", "SPUBLISH h3 a b"),
  seq(
    "SUNSUBSCRIBE one and all",
    "SSUBSCRIBE h4a",
    "SSUBSCRIBE h4b",
    "SUNSUBSCRIBE h4a",
    "SUNSUBSCRIBE",
    "SUNSUBSCRIBE",
    "PING",
  ),
  seq("SUNSUBSCRIBE without subscriptions", "SUNSUBSCRIBE", "SUNSUBSCRIBE nope5", "PING"),
  seq(
    "a shard subscription alone is subscribed mode in RESP2",
    "SSUBSCRIBE h6",
    "PING",
    "GET k",
    "PUBSUB SHARDCHANNELS",
    "SUBSCRIBE h6b",
    "SUNSUBSCRIBE h6",
    "PING",
    "UNSUBSCRIBE h6b",
    "PING",
  ),
  seq(
    "SSUBSCRIBE is refused inside MULTI",
    "MULTI",
    "SSUBSCRIBE h7",
    "EXEC",
    "PUBSUB SHARDNUMSUB h7",
  ),
  seq(
    "PUBSUB SHARDCHANNELS and SHARDNUMSUB",
    "PUBSUB SHARDNUMSUB",
    "B: SSUBSCRIBE h8a",
    "C: SSUBSCRIBE h8a",
    "C: SUBSCRIBE h8b",
    "PUBSUB SHARDNUMSUB h8a h8b",
    "PUBSUB NUMSUB h8a h8b",
    { cmd: "PUBSUB SHARDCHANNELS h8*", unordered: true },
    "PUBSUB SHARDCHANNELS h8b",
    "PUBSUB SHARDCHANNELS a b",
    "PUBSUB HELP",
  ),
  seq(
    "SPUBLISH reaches shard subscribers only, PUBLISH the others",
    "B: SSUBSCRIBE h9",
    "C: SUBSCRIBE h9",
    "D: PSUBSCRIBE h*",
    "SPUBLISH h9 one",
    read("B"),
    "PUBLISH h9 two",
    read("C"),
    read("D"),
    "SPUBLISH nobody9 x",
  ),
  seq("COMMAND INFO of the sharded commands", "COMMAND INFO ssubscribe sunsubscribe spublish"),
  {
    ...seq(
      "RESP3: CLIENT INFO counts shard channels",
      { cmd: "SSUBSCRIBE h12a h12b", replies: 2 },
      {
        cmd: "CLIENT INFO",
        clientFields: true,
      },
    ),
    protocols: [3],
  },
  seq("RESET drops shard subscriptions", "SSUBSCRIBE h10", "RESET", "PUBSUB SHARDNUMSUB h10"),
  {
    ...seq(
      "RESP3: a client receives its own smessage",
      "SSUBSCRIBE h11",
      { cmd: "SPUBLISH h11 hello", replies: 2 },
      "GET k",
      "SUNSUBSCRIBE h11",
    ),
    protocols: [3],
  },
];
