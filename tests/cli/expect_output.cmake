# Runs COMMAND (a ;-list), checks its exit status is EXPECT_EXIT and its
# standard output equals the file EXPECT_STDOUT byte for byte; shows a diff
# when it does not.
execute_process(COMMAND ${COMMAND}
  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT status EQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECT_EXIT}\n${output}\n${errors}")
endif()
file(READ ${EXPECT_STDOUT} expected)
if(NOT output STREQUAL expected)
  file(WRITE ${OUTPUT_FILE} "${output}")
  execute_process(COMMAND diff -u ${EXPECT_STDOUT} ${OUTPUT_FILE} OUTPUT_VARIABLE delta)
  message(FATAL_ERROR "the output differs from ${EXPECT_STDOUT}:\n${delta}")
endif()
