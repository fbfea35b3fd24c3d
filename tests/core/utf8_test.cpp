// UTF-8 well-formedness: the named cases of each malformed kind, then every
// string of up to three bytes against a decoder written from the bit
// patterns, independent of the range table the library uses.
#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace downline {
namespace {

using internal::is_valid_utf8;

// Decodes by the bit patterns and rejects what the standard rules out after
// decoding: the shortest-form minimum, surrogates, and the U+10FFFF ceiling.
bool reference_valid(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t length;
    std::uint32_t cp;
    if ((lead & 0x80) == 0x00) {
      length = 1, cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, cp = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > s.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[length]) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (cp > 0x10FFFF) return false;
    i += length;
  }
  return true;
}

TEST(Utf8, AcceptsTheEmptyString) {
  EXPECT_TRUE(is_valid_utf8(""));
}

TEST(Utf8, AcceptsAscii) {
  EXPECT_TRUE(is_valid_utf8("Lucia Gomez, calle 10 # 5-20"));
  EXPECT_TRUE(is_valid_utf8(std::string("\x00\x7F", 2)));
}

TEST(Utf8, AcceptsAccentedLatinText) {
  EXPECT_TRUE(is_valid_utf8("Lucía Gómez"));
}

TEST(Utf8, AcceptsAFourByteEmoji) {
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(is_valid_utf8("hola \xF0\x9F\x98\x80 chao"));
}

TEST(Utf8, AcceptsTheBoundaryCodePoints) {
  EXPECT_TRUE(is_valid_utf8("\xC2\x80"));          // U+0080, smallest two-byte
  EXPECT_TRUE(is_valid_utf8("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(is_valid_utf8("\xE0\xA0\x80"));      // U+0800, smallest three-byte
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(is_valid_utf8("\xF0\x90\x80\x80"));  // U+10000, smallest four-byte
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST(Utf8, RejectsALoneContinuationByte) {
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("a\xBF"));
}

TEST(Utf8, RejectsTruncatedSequences) {
  EXPECT_FALSE(is_valid_utf8("\xC3"));          // two-byte, one missing
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));      // three-byte, one missing
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x98"));  // four-byte, one missing
  EXPECT_FALSE(is_valid_utf8("Luc\xC3"));       // at the end of text
  // Cut off by an ASCII 'a' (0x61), which is no continuation byte.
  EXPECT_FALSE(is_valid_utf8("\xC3\x61"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82\x61"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x98\x61"));
}

TEST(Utf8, RejectsOverlongForms) {
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // '/' in two bytes
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));          // U+007F in two bytes
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(Utf8, RejectsSurrogates) {
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // U+D800
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));  // U+DFFF
}

TEST(Utf8, RejectsCodePointsAboveTheLastOne) {
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
}

TEST(Utf8, RejectsBytesThatNeverOccur) {
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xFE"));
  EXPECT_FALSE(is_valid_utf8("abc\xFF"));
}

TEST(Utf8, AgreesWithAReferenceDecoderOnEveryStringOfUpToThreeBytes) {
  std::string s;
  for (int a = 0; a < 256; ++a) {
    s.assign(1, static_cast<char>(a));
    ASSERT_EQ(is_valid_utf8(s), reference_valid(s)) << "byte " << a;
    for (int b = 0; b < 256; ++b) {
      s.assign({static_cast<char>(a), static_cast<char>(b)});
      ASSERT_EQ(is_valid_utf8(s), reference_valid(s)) << "bytes " << a << " " << b;
      for (int c = 0; c < 256; ++c) {
        s.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        ASSERT_EQ(is_valid_utf8(s), reference_valid(s)) << "bytes " << a << " " << b << " " << c;
      }
    }
  }
}

TEST(Utf8, AgreesWithAReferenceDecoderOnFourByteSequences) {
  // Every lead and second byte; the last two bytes from the values at the
  // edges of the continuation range.
  const int edges[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xFF};
  std::string s;
  for (int a = 0xE0; a < 256; ++a)
    for (int b = 0; b < 256; ++b)
      for (int c : edges)
        for (int d : edges) {
          s.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                    static_cast<char>(d)});
          ASSERT_EQ(is_valid_utf8(s), reference_valid(s))
              << "bytes " << a << " " << b << " " << c << " " << d;
        }
}

}  // namespace
}  // namespace downline
