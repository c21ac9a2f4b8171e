// The reply to "<CONTAINER> HELP": an array of status lines, a header naming
// the command, the container's own lines, and a footer for HELP itself. The
// header and footer match Redis so that clients see the familiar frame.
#pragma once

#include <initializer_list>
#include <string_view>

#include "protocol/reply_writer.h"

namespace osprey::commands {

// `command` is the container name as the client typed it (it is upper-cased
// in the header); `lines` alternate a syntax line and indented explanations.
void ReplyHelp(protocol::ReplyWriter& reply, std::string_view command,
               std::initializer_list<std::string_view> lines);

}  // namespace osprey::commands
