# Runs COMMAND (a ;-list) and checks its exit status is EXPECT_EXIT, its
# standard error matches the regular expression EXPECT_STDERR and its
# standard output EXPECT_STDOUT (each when given),
# and the file EXPECT_FILE (when given) matches EXPECT_FILE_REGEX.
if(EXPECT_FILE)
  file(REMOVE ${EXPECT_FILE})
endif()
execute_process(COMMAND ${COMMAND}
  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT status EQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECT_EXIT}\n${output}\n${errors}")
endif()
if(DEFINED EXPECT_STDERR AND NOT errors MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "standard error does not match '${EXPECT_STDERR}':\n${errors}")
endif()
if(DEFINED EXPECT_STDOUT AND NOT output MATCHES "${EXPECT_STDOUT}")
  message(FATAL_ERROR "standard output does not match '${EXPECT_STDOUT}':\n${output}")
endif()
if(EXPECT_FILE)
  if(NOT EXISTS ${EXPECT_FILE})
    message(FATAL_ERROR "${EXPECT_FILE} was not written")
  endif()
  file(READ ${EXPECT_FILE} content)
  if(NOT content MATCHES "${EXPECT_FILE_REGEX}")
    message(FATAL_ERROR "${EXPECT_FILE} does not match '${EXPECT_FILE_REGEX}':\n${content}")
  endif()
endif()
