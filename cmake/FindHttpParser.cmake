# SPDX-License-Identifier: Apache-2.0
# Debian's libhttp-parser-dev (2.9.4) ships no .pc file: find the header
# and the library, and make the imported target HttpParser::HttpParser.
find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h)
find_library(HTTP_PARSER_LIBRARY http_parser)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(HttpParser DEFAULT_MSG HTTP_PARSER_LIBRARY
  HTTP_PARSER_INCLUDE_DIR)
if(HttpParser_FOUND AND NOT TARGET HttpParser::HttpParser)
  add_library(HttpParser::HttpParser UNKNOWN IMPORTED)
  set_target_properties(HttpParser::HttpParser PROPERTIES
    IMPORTED_LOCATION ${HTTP_PARSER_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${HTTP_PARSER_INCLUDE_DIR})
endif()
