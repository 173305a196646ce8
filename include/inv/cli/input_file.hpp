#pragma once
// The FILE argument of apply and import: a file, or stdin for "-".

#include <array>
#include <fstream>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>

namespace inv::cli {

// Standard input as a stream buffer over file descriptor 0 (std::cin would need <iostream>).
class StdinBuffer : public std::streambuf {
 protected:
  int_type underflow() override;

 private:
  std::array<char, 1 << 16> m_buffer{};
};

class InputFile {
 public:
  // Opens `path` ("-": stdin). Throws inv::Error (usage) if it cannot be read.
  explicit InputFile(const std::string& path);
  std::istream& stream() { return m_stdin_buffer ? m_stdin : m_file; }
  // How messages call it: the path, or "stdin".
  const std::string& name() const { return m_name; }

 private:
  std::unique_ptr<StdinBuffer> m_stdin_buffer;
  std::istream m_stdin{nullptr};
  std::ifstream m_file;
  std::string m_name = "stdin";
};

}  // namespace inv::cli
