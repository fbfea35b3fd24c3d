// Reading RFC 4180 CSV: quoted cells with the delimiter, doubled quotes and
// line breaks inside, CRLF or LF line ends, a UTF-8 byte-order mark.
#pragma once

#include <downline/export.hpp>

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// Reads records one at a time from a stream, in chunks.
class CsvReader {
 public:
  /// Reads `in` (which must outlive the reader) with `delimiter` between cells.
  explicit CsvReader(std::istream& in, char delimiter = ',');

  /// Reads the next record into `cells` (resized to its cell count); false
  /// at the end. A record that is one empty line is skipped. A quote left
  /// open at the end of the input makes `malformed()` true for that last
  /// record, whose cells hold what was read.
  bool next(std::vector<std::string>& cells);
  /// The 1-based line where the record last read starts.
  std::uint64_t line() const { return record_line_; }
  /// Whether the record last read ended inside an open quote, or had text
  /// after a closing quote.
  bool malformed() const { return malformed_; }
  /// Bytes consumed so far.
  std::uint64_t bytes() const { return consumed_; }

 private:
  bool fill();
  int peek();
  int get();

  std::istream& in_;
  char delimiter_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t line_ = 1, record_line_ = 0, consumed_ = 0;
  bool malformed_ = false, started_ = false;
};

/// Throws InvalidArgument (field "batch_size" or "delimiter") unless a file
/// import may read with these: 1 to 1,000,000 rows per batch, a delimiter
/// that is no quote or line break.
void check_csv_options(std::size_t batch_size, char delimiter);

/// The bytes from the stream's position to its end, for a progress total;
/// 0 when the stream cannot tell. Leaves the position where it was.
std::uint64_t remaining_bytes(std::istream& in);

}  // namespace internal
DOWNLINE_END_NAMESPACE
