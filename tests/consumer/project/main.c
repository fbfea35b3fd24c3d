/* A C host that found downline with find_package. */
#include <downline.h>
#include <stdio.h>

int main(void) {
  downline_company *co = NULL;
  const char *config = "{\"company\": {\"name\": \"Consumer\"}}";
  if (downline_company_open(&co, "memory:", config, DOWNLINE_NUL_TERMINATED) != DOWNLINE_OK) {
    fprintf(stderr, "%s\n", downline_error_last()->message);
    return 1;
  }
  printf("downline %s from C\n", downline_version());
  downline_company_close(co);
  return 0;
}
