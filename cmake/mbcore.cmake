# SPDX-License-Identifier: GPL-2.0-only
# mbcore.cmake - the memblock core built as a host static library.
# The same sources (MB_CORE_SOURCES) go into the kernel with its own flags.

set(MB_CORE_SOURCES
	${CMAKE_SOURCE_DIR}/kernel/mm/memblock.c
	${CMAKE_SOURCE_DIR}/kernel/mm/evlog.c)
set(MB_CORE_INCLUDE ${CMAKE_SOURCE_DIR}/kernel/include)

if(EXISTS ${CMAKE_SOURCE_DIR}/kernel/mm/memblock.c)
	add_library(mbcore STATIC ${MB_CORE_SOURCES} ${CMAKE_SOURCE_DIR}/kernel/mm/host_shim.c)
	target_include_directories(mbcore PUBLIC ${MB_CORE_INCLUDE})
	mb_host_target(mbcore)
endif()
