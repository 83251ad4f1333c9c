# SPDX-License-Identifier: Apache-2.0
# Run by CPack after it installed into its staging directory and before
# it packs: leave out what a partner's server does not need.
file(GLOB_RECURSE bench "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/credledger-bench")
if(bench)
  file(REMOVE ${bench})
  message(STATUS "left out of the package: ${bench}")
endif()
