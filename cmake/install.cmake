# SPDX-License-Identifier: GPL-2.0-only
# install.cmake - what "cmake --install" puts in place besides the parts' own
# rules (cli: binary, man pages, completion; python: the memblock module and
# libmbcapture.so; gdb-scripts: loader, mbgdb, auto-load hooks):
#   share/memblock-cli/kernel*.elf  the test kernels; memblock-cli finds
#                                   kernel.elf at ../share/memblock-cli/ from
#                                   its own executable, so an installed tree
#                                   works with the build directory gone
#   share/doc/memblock-cli/         README and the docs
include(GNUInstallDirs)

set(MB_INSTALL_SHARE ${CMAKE_INSTALL_DATADIR}/memblock-cli)
foreach(k kernel kernel-doubling kernel-multiboot)
	if(TARGET ${k})
		# FILES, not TARGETS: install must not strip them (the agent needs
		# their symbols, gdb their debug info).
		install(FILES $<TARGET_FILE:${k}> DESTINATION ${MB_INSTALL_SHARE})
	endif()
endforeach()
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
file(GLOB MB_DOCS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${MB_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The demo, runnable from the installed tree (it then uses ../../bin/memblock-cli
# and the kernels next to it).
install(PROGRAMS ${CMAKE_SOURCE_DIR}/scripts/demo DESTINATION ${MB_INSTALL_SHARE})
