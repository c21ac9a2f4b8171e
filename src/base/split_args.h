// Splits a line into arguments the way redis-cli, inline commands and
// redis.conf do: blanks separate arguments, "double quotes" allow \n \r \t
// \b \a \\ \" and \xHH escapes, 'single quotes' allow only \'. A closing
// quote must be followed by a blank or the end of the line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::base {

// Returns the arguments, or nullopt for unbalanced quotes. A NUL byte ends the
// line, as it does for the C string Redis splits.
std::optional<std::vector<std::string>> SplitArgs(std::string_view line);

// Appends `s` to `out` quoted so that SplitArgs would read it back
// (the form CONFIG REWRITE and CLIENT LIST use for unusual bytes).
void AppendQuoted(std::string& out, std::string_view s);

}  // namespace osprey::base
