// Test helper: records the keyevent notifications a harness publishes, as
// "event key@db" strings, through a second client subscribed to the pattern
// __keyevent@* (directly on the server's PubSub, so these tests do not
// depend on the PSUBSCRIBE handler).
#pragma once

#include <string>
#include <vector>

#include "server/pubsub.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {

class KeyspaceEvents {
 public:
  // `classes` is the notify-keyspace-events value to set (E is added).
  explicit KeyspaceEvents(CommandHarness& h, std::string classes = "KEA") : h_(h) {
    h_.Run({"config", "set", "notify-keyspace-events", classes + "E"});
    client_ = h_.NewClient();
    h_.server().pubsub().Subscribe(&h_.client(client_), server::PubSub::Kind::kPattern,
                                   "__keyevent@*");
  }

  // The events published since the last call, oldest first.
  std::vector<std::string> Take() {
    std::vector<std::string> out;
    for (const Reply& r : h_.TakePushed(client_)) {
      if (r.elements.size() != 4 || r.elements[0].str != "pmessage") continue;
      // Channel: __keyevent@<db>__:<event>
      const std::string& channel = r.elements[2].str;
      size_t at = channel.find('@');
      size_t end = channel.find("__:", at);
      out.push_back(channel.substr(end + 3) + " " + r.elements[3].str + "@" +
                    channel.substr(at + 1, end - at - 1));
    }
    return out;
  }

 private:
  CommandHarness& h_;
  size_t client_ = 0;
};

}  // namespace osprey::testing
