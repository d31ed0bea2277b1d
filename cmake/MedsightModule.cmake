# medsight_add_module(<name> SOURCES ... [PUBLIC_LIBS ...] [PRIVATE_LIBS ...] [PCH header]
#                     [COMMANDS])
# Builds src/<name>/ into the static library medsight_<name> (alias medsight::<name>); the core
# module is medsight_base. COMMANDS means the module defines
# `void medsight::register<Name>Commands(CommandRegistry&)` which the CLI calls.
function(medsight_add_module name)
  cmake_parse_arguments(M "COMMANDS" "TARGET;PCH" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  if(M_TARGET)
    set(target ${M_TARGET})
  else()
    set(target medsight_${name})
  endif()
  add_library(${target} STATIC ${M_SOURCES})
  string(REPLACE "medsight_" "" alias_name ${target})
  add_library(medsight::${alias_name} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src
                                              ${PROJECT_BINARY_DIR}/generated)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  target_link_libraries(${target} PUBLIC ${M_PUBLIC_LIBS} PRIVATE ${M_PRIVATE_LIBS})
  if(M_PCH)
    target_precompile_headers(${target} PRIVATE ${M_PCH})
  endif()
  set_property(GLOBAL APPEND PROPERTY MEDSIGHT_MODULE_TARGETS ${target})
  if(M_COMMANDS)
    set_property(GLOBAL APPEND PROPERTY MEDSIGHT_COMMAND_MODULES ${name})
  endif()
endfunction()

# medsight_add_test_suite(<module> SOURCES ... LIBS ...)
# One GoogleTest executable per module (tests/<module>/). Test suites whose name ends in "Data"
# need ../shared/datasets and get the ctest label `data`; suites ending in "E2E" get `e2e`;
# everything else is `unit`.
function(medsight_add_test_suite module)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  set(target medsight_tests_${module})
  add_executable(${target} ${T_SOURCES})
  target_link_libraries(${target} PRIVATE medsight_test_support ${T_LIBS} GTest::gtest
                                          GTest::gmock)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  set(env "MEDSIGHT_BINARY_DIR=${PROJECT_BINARY_DIR}")
  # One entry (gtest_discover_tests cannot pass a list as one property's value).
  set(mod "${MEDSIGHT_TEST_ENVIRONMENT_MODIFICATION}")
  gtest_discover_tests(${target}
    TEST_PREFIX "${module}."
    TEST_FILTER "-*Data.*:*E2E.*"
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS unit ENVIRONMENT "${env}" ENVIRONMENT_MODIFICATION "${mod}"
               TIMEOUT 300)
  gtest_discover_tests(${target}
    TEST_PREFIX "${module}."
    TEST_FILTER "*Data.*"
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS data ENVIRONMENT "${env}" ENVIRONMENT_MODIFICATION "${mod}"
               TIMEOUT 900)
  gtest_discover_tests(${target}
    TEST_PREFIX "${module}."
    TEST_FILTER "*E2E.*"
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS e2e ENVIRONMENT "${env}" ENVIRONMENT_MODIFICATION "${mod}"
               TIMEOUT 900)
endfunction()

# medsight_bench_test_environment()
# Gives the tests added in the calling directory (the bench smokes) the tests' environment
# (MEDSIGHT_TEST_ENVIRONMENT_MODIFICATION, top-level CMakeLists.txt). Call it after the
# add_test() calls.
function(medsight_bench_test_environment)
  get_property(names DIRECTORY PROPERTY TESTS)
  if(names)
    set_property(TEST ${names} APPEND PROPERTY ENVIRONMENT_MODIFICATION
                                               "${MEDSIGHT_TEST_ENVIRONMENT_MODIFICATION}")
  endif()
endfunction()
