// The RFC 4180 reader of flat-file imports.
#include "enrollment/csv.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace downline::internal {
namespace {

struct Record {
  std::vector<std::string> cells;
  std::uint64_t line;
  bool malformed;
};

std::vector<Record> read_all(const std::string& text, char delimiter = ',') {
  std::istringstream in(text);
  CsvReader reader(in, delimiter);
  std::vector<Record> out;
  std::vector<std::string> cells;
  while (reader.next(cells)) out.push_back({cells, reader.line(), reader.malformed()});
  EXPECT_EQ(reader.bytes(), text.size());
  return out;
}

using Cells = std::vector<std::string>;

TEST(Csv, ReadsPlainCellsEmptyCellsAndBothLineEnds) {
  const auto r = read_all("a,b,c\r\n1,,3\n,,\nlast,row");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].cells, (Cells{"a", "b", "c"}));
  EXPECT_EQ(r[1].cells, (Cells{"1", "", "3"}));
  EXPECT_EQ(r[2].cells, (Cells{"", "", ""}));
  EXPECT_EQ(r[3].cells, (Cells{"last", "row"}));
  EXPECT_EQ(r[3].line, 4u);
}

TEST(Csv, QuotedCellsKeepDelimitersQuotesAndLineBreaks) {
  const auto r = read_all("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\nnext,\"\"\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].cells, (Cells{"a,b", "say \"hi\"", "two\r\nlines"}));
  EXPECT_FALSE(r[0].malformed);
  EXPECT_EQ(r[1].cells, (Cells{"next", ""}));
  EXPECT_EQ(r[1].line, 3u);  // the record starts after the two-line cell
}

TEST(Csv, SkipsEmptyLinesButNotAQuotedEmptyCell) {
  const auto r = read_all("a\n\n\r\n\"\"\nb\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].cells, (Cells{""}));
  EXPECT_EQ(r[1].line, 4u);
  EXPECT_EQ(r[2].line, 5u);
}

TEST(Csv, DropsAByteOrderMarkAndReadsAnotherDelimiter) {
  const auto r = read_all("\xEF\xBB\xBFid;name\n1;\"a;b\"\n", ';');
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].cells, (Cells{"id", "name"}));
  EXPECT_EQ(r[1].cells, (Cells{"1", "a;b"}));
}

TEST(Csv, AnOpenQuoteOrTextAfterAClosingQuoteIsMalformed) {
  auto r = read_all("ok,\"x\"y\nfine\n\"never closed,\nmore\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].malformed);
  EXPECT_FALSE(r[1].malformed);
  EXPECT_TRUE(r[2].malformed);  // swallows the rest of the input
  EXPECT_EQ(r[2].cells, (Cells{"never closed,\nmore\n"}));
}

TEST(Csv, ACellLongerThanTheReadChunkIsWhole) {
  const std::string big(3 << 20, 'x');
  const auto r = read_all("a,\"" + big + "\",b\nc\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].cells[1].size(), big.size());
  EXPECT_EQ(r[0].cells[2], "b");
  EXPECT_EQ(r[1].cells, (Cells{"c"}));
}

}  // namespace
}  // namespace downline::internal
