#include "enrollment/csv.hpp"

#include <downline/error.hpp>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

CsvReader::CsvReader(std::istream& in, char delimiter)
    : in_(in), delimiter_(delimiter), buffer_(1 << 20) {}

bool CsvReader::fill() {
  if (pos_ < end_) return true;
  in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  end_ = static_cast<std::size_t>(in_.gcount());
  pos_ = 0;
  return end_ > 0;
}

int CsvReader::peek() {
  return fill() ? static_cast<unsigned char>(buffer_[pos_]) : -1;
}

int CsvReader::get() {
  if (!fill()) return -1;
  ++consumed_;
  return static_cast<unsigned char>(buffer_[pos_++]);
}

bool CsvReader::next(std::vector<std::string>& cells) {
  if (!started_) {
    started_ = true;
    // A UTF-8 byte-order mark, as spreadsheets write it.
    if (peek() == 0xEF && end_ - pos_ >= 3 &&
        static_cast<unsigned char>(buffer_[pos_ + 1]) == 0xBB &&
        static_cast<unsigned char>(buffer_[pos_ + 2]) == 0xBF) {
      pos_ += 3;
      consumed_ += 3;
    }
  }
  for (;;) {
    malformed_ = false;
    if (peek() < 0) return false;
    record_line_ = line_;
    std::size_t count = 0;
    const auto cell = [&]() -> std::string& {
      if (cells.size() <= count) cells.emplace_back();
      std::string& c = cells[count++];
      c.clear();
      return c;
    };
    std::string* current = &cell();
    bool quoted = false, after_quote = false, at_start = true, blank = true;
    for (;;) {
      int c = get();
      if (c >= 0 && c != '\n' && c != '\r') blank = false;
      if (quoted) {
        if (c < 0) {
          malformed_ = true;
          break;
        }
        if (c == '"') {
          if (peek() == '"') {
            get();
            current->push_back('"');
          } else {
            quoted = false;
            after_quote = true;
          }
          continue;
        }
        if (c == '\n') ++line_;
        current->push_back(static_cast<char>(c));
        continue;
      }
      if (c < 0) break;
      if (c == '\r' && peek() == '\n') continue;
      if (c == '\n') {
        ++line_;
        break;
      }
      if (c == delimiter_) {
        current = &cell();
        after_quote = false;
        at_start = true;
        continue;
      }
      if (c == '"' && at_start) {
        quoted = true;
        at_start = false;
        continue;
      }
      if (after_quote) malformed_ = true;
      at_start = false;
      current->push_back(static_cast<char>(c));
    }
    cells.resize(count);
    if (blank && count == 1) continue;  // an empty line
    return true;
  }
}

void check_csv_options(std::size_t batch_size, char delimiter) {
  if (batch_size < 1 || batch_size > 1'000'000)
    throw InvalidArgument("batch_size is " + std::to_string(batch_size) + "; from 1 to 1000000",
                          "batch_size");
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
    throw InvalidArgument("the delimiter may not be a quote or a line break", "delimiter");
}

std::uint64_t remaining_bytes(std::istream& in) {
  std::uint64_t total = 0;
  const auto here = in.tellg();
  if (here != std::istream::pos_type(-1) && in.seekg(0, std::ios::end)) {
    total = static_cast<std::uint64_t>(in.tellg() - here);
    in.seekg(here);
  }
  in.clear();
  return total;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE
