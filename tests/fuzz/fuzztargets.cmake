# The libFuzzer targets (issue 7), defined by streamscope_define_fuzzers(): called from tests/fuzz/CMakeLists.txt
# when tests/ adds this folder, or (deferred, end of the top-level configure) by fuzzhook.cmake for the `fuzz`
# preset. Built only with clang and -DSTREAMSCOPE_FUZZ=ON. Each target is one fuzz_<name>.cpp defining
# LLVMFuzzerTestOneInput; a target whose layer has not landed yet (its header is missing) is left out with a
# message.
#
# Every crash found is kept as a file under regressions/<target>/ and replayed by the ctest
# `<target>_regressions` (runs the target once over each file: -runs=0 never mutates).
set(STREAMSCOPE_FUZZ_DIR "${CMAKE_CURRENT_LIST_DIR}")

function(streamscope_add_fuzzer name)
    cmake_parse_arguments(ARG "" "" "LIBRARIES;REQUIRES" ${ARGN})
    foreach(header ${ARG_REQUIRES})
        if(NOT EXISTS "${PROJECT_SOURCE_DIR}/${header}")
            message(STATUS "fuzz target ${name} not built: ${header} has not landed yet")
            return()
        endif()
    endforeach()
    add_executable(${name} ${STREAMSCOPE_FUZZ_DIR}/${name}.cpp ${STREAMSCOPE_FUZZ_DIR}/fuzzsupport.h)
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/tests/fuzz")
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR} ${STREAMSCOPE_FUZZ_DIR})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} streamscope_warnings)
    add_dependencies(streamscope_fuzzers ${name})
    set(regressions "${STREAMSCOPE_FUZZ_DIR}/regressions/${name}")
    if(BUILD_TESTING AND EXISTS "${regressions}")
        # A failing reproducer is copied by libFuzzer to -artifact_prefix: keep it out of the build root.
        file(MAKE_DIRECTORY "${PROJECT_BINARY_DIR}/artifacts/regressions")
        add_test(NAME ${name}_regressions COMMAND ${name} -runs=0
                 "-artifact_prefix=${PROJECT_BINARY_DIR}/artifacts/regressions/${name}-" "${regressions}")
        set_tests_properties(${name}_regressions PROPERTIES LABELS "fuzz" TIMEOUT 300)
    endif()
endfunction()

function(streamscope_define_fuzzers)
    if(NOT STREAMSCOPE_FUZZ OR TARGET streamscope_fuzzers)
        return()
    endif()
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(WARNING "STREAMSCOPE_FUZZ needs clang (libFuzzer); compiler is ${CMAKE_CXX_COMPILER_ID}: not built")
        return()
    endif()
    add_custom_target(streamscope_fuzzers)
    streamscope_add_fuzzer(fuzz_attributevalue LIBRARIES streamscope_model)
    streamscope_add_fuzzer(fuzz_decimal LIBRARIES streamscope_model)
    streamscope_add_fuzzer(fuzz_diff LIBRARIES streamscope_model REQUIRES model/attributediff.h model/image.h)
    streamscope_add_fuzzer(fuzz_streamrecord LIBRARIES streamscope_import REQUIRES storage/import/recordnormalizer.cpp storage/import/recordsplitter.cpp)
    streamscope_add_fuzzer(fuzz_import LIBRARIES streamscope_import REQUIRES storage/import/captureimporter.cpp storage/import/capturereader.cpp)
endfunction()
