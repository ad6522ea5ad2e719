# SPDX-License-Identifier: Apache-2.0
# Helpers that turn one cmocka test file into one CTest test per test case, so that
# `ctest -R base.crc.crc16_check_value` runs exactly one case.
#
# ilrs_add_test_file(<module> <file.c> [LABELS l...] [ENVIRONMENT k=v...])
#   builds tests/<module>/<file>.c into an executable and scans it for
#   cmocka_unit_test(name) / cmocka_unit_test_setup_teardown(name, ...) entries.
#   Each becomes `<module>.<stem>.<name>`, run as `<exe> <name>`; the test's
#   main() must use ILRS_TEST_MAIN (tests/ilrs_test.h), which applies the filter.

function(ilrs_add_test_file module file)
  cmake_parse_arguments(ARG "" "" "LABELS;ENVIRONMENT;LIBS" ${ARGN})
  if(NOT IS_ABSOLUTE ${file})
    set(file ${CMAKE_CURRENT_SOURCE_DIR}/${file})
  endif()
  get_filename_component(stem ${file} NAME_WE)
  string(REGEX REPLACE "^test_" "" short ${stem})
  set(exe test_${module}_${short})
  add_executable(${exe} ${file})
  target_include_directories(${exe} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${exe} PRIVATE ILRS_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(${exe} PRIVATE ilrs_lib PkgConfig::CMOCKA ${ARG_LIBS})
  # Re-run CMake when the file changes, so new test cases are registered.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  file(READ ${file} content)
  string(REGEX MATCHALL "cmocka_unit_test(_setup_teardown|_setup|_teardown|_prestate)?\\([ \t\r\n]*[A-Za-z0-9_]+"
         matches "${content}")
  if(NOT matches)
    message(FATAL_ERROR "${file}: no cmocka_unit_test(...) entries found")
  endif()
  foreach(m ${matches})
    string(REGEX REPLACE ".*\\([ \t\r\n]*" "" case ${m})
    set(name ${module}.${short}.${case})
    add_test(NAME ${name} COMMAND ${exe} ${case})
    set_tests_properties(${name} PROPERTIES LABELS "${module};${ARG_LABELS}"
                         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    if(ARG_ENVIRONMENT)
      set_tests_properties(${name} PROPERTIES ENVIRONMENT "${ARG_ENVIRONMENT}")
    endif()
  endforeach()
endfunction()
