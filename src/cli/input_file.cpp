#include "inv/cli/input_file.hpp"

#include <cerrno>
#include <cstdio>
#include <unistd.h>

#include "inv/error.hpp"
#include "inv/util/text.hpp"

namespace inv::cli {

StdinBuffer::int_type StdinBuffer::underflow() {
  ssize_t got = 0;
  do {
    got = ::read(STDIN_FILENO, m_buffer.data(), m_buffer.size());
  } while (got < 0 && errno == EINTR);
  if (got <= 0) {
    return traits_type::eof();
  }
  setg(m_buffer.data(), m_buffer.data(), m_buffer.data() + got);
  return traits_type::to_int_type(m_buffer[0]);
}

InputFile::InputFile(const std::string& path) {
  if (path == "-") {
    if (::isatty(STDIN_FILENO) != 0 && ::isatty(STDERR_FILENO) != 0) {
      // Someone at a terminal may not know that inv now waits for them to type the input.
      std::fputs("inv: reading from stdin (end with Ctrl-D)\n", stderr);
    }
    m_stdin_buffer = std::make_unique<StdinBuffer>();
    m_stdin.rdbuf(m_stdin_buffer.get());
    return;
  }
  m_file.open(path, std::ios::binary);
  if (!m_file) {
    throw usage_error("cannot read '" + util::excerpt(path) + "'");
  }
  m_name = path;
}

}  // namespace inv::cli
