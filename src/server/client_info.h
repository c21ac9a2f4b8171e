// What CLIENT LIST, CLIENT INFO and CLIENT KILL know about a client: its
// type, its flag letters, its memory, and the one-line description with
// Redis 7.0.15's fields in Redis's order, followed by Redis 7.2's lib-name
// and lib-ver:
//   id addr laddr fd name age idle flags db sub psub ssub multi qbuf
//   qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd
//   user redir resp lib-name lib-ver
//
// Values come from our own buffers, so some are approximations of Redis's:
// qbuf/qbuf-free are the unparsed bytes and the rest of the query buffer's
// capacity; rbs and rbp are the size of the output buffer's first chunk
// (Redis's fixed reply buffer, 16 KB; we do not track a peak or shrink it);
// obl is what is pending in that first chunk, oll and omem the chunks after
// it and the memory they hold (Redis's reply list); tot-mem adds the query buffer,
// the client object, the first chunk, arguments, MULTI queue and pointer-
// sized bookkeeping per watched key and subscription.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace osprey::server {

class Client;
class Server;

// Client classes, as CLIENT LIST TYPE and CLIENT KILL TYPE name them.
enum class ClientType { kNormal, kReplica, kPubSub, kMaster };

// The class of `c`. MONITOR clients count as normal, as in Redis.
ClientType GetClientType(Server& server, const Client& c);
// "normal", "replica" (or "slave"), "pubsub", "master", in any case.
std::optional<ClientType> ClientTypeFromName(std::string_view name);

// The flags field: one letter per state, "N" when there is none.
std::string ClientFlagLetters(const Client& c);

// Bytes `c` holds (tot-mem). The output-buffer part alone (omem) is stored
// in *output_mem when it is not null.
size_t ClientMemoryUsage(Server& server, Client& c, size_t* output_mem = nullptr);

// Appends the description of `c` (no line end) to *out.
void AppendClientInfo(Server& server, Client& c, std::string* out);

}  // namespace osprey::server
