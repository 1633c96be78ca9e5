# Included right after project() by the `fuzz` preset (CMAKE_PROJECT_Streamscope_INCLUDE): defines the fuzz targets
# at the end of the top-level configure, so they build even while tests/CMakeLists.txt does not
# add_subdirectory(fuzz). If it does, the targets already exist and this does nothing.
include(${CMAKE_CURRENT_LIST_DIR}/fuzztargets.cmake)
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL streamscope_define_fuzzers)
