# SPDX-License-Identifier: Apache-2.0
# Debian's liblmdb-dev ships lmdb.pc on newer releases only; fall back to the
# header and library when pkg-config does not know it.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_LMDB QUIET IMPORTED_TARGET lmdb)
endif()
if(PC_LMDB_FOUND)
  add_library(LMDB::LMDB ALIAS PkgConfig::PC_LMDB)
  set(LMDB_FOUND TRUE)
else()
  find_path(LMDB_INCLUDE_DIR lmdb.h)
  find_library(LMDB_LIBRARY lmdb)
  include(FindPackageHandleStandardArgs)
  find_package_handle_standard_args(LMDB DEFAULT_MSG LMDB_LIBRARY LMDB_INCLUDE_DIR)
  if(LMDB_FOUND AND NOT TARGET LMDB::LMDB)
    add_library(LMDB::LMDB UNKNOWN IMPORTED)
    set_target_properties(LMDB::LMDB PROPERTIES IMPORTED_LOCATION ${LMDB_LIBRARY}
      INTERFACE_INCLUDE_DIRECTORIES ${LMDB_INCLUDE_DIR})
  endif()
endif()
