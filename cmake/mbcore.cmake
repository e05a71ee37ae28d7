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

	# The same two files compiled freestanding with kernel-style flags
	# (object files only), so the kernel build is checked without a kernel.
	set(MB_FREESTANDING_FLAGS
		-DMB_FREESTANDING -ffreestanding -fno-builtin -nostdlib -mno-red-zone
		-mno-sse -mno-mmx -mno-80387 -fno-pic -mcmodel=kernel
		-fno-stack-protector -O2 -Wall -Wextra -Werror
		-I${MB_CORE_INCLUDE})
	foreach(src memblock evlog)
		add_custom_command(
			OUTPUT ${CMAKE_BINARY_DIR}/mbcore-freestanding/${src}.o
			COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/mbcore-freestanding
			COMMAND ${CMAKE_C_COMPILER} -std=gnu11 ${MB_FREESTANDING_FLAGS}
				-c ${CMAKE_SOURCE_DIR}/kernel/mm/${src}.c
				-o ${CMAKE_BINARY_DIR}/mbcore-freestanding/${src}.o
			DEPENDS ${CMAKE_SOURCE_DIR}/kernel/mm/${src}.c
				${MB_CORE_INCLUDE}/memblock.h ${MB_CORE_INCLUDE}/mb_shim.h
				${MB_CORE_INCLUDE}/mb_evlog.h ${MB_CORE_INCLUDE}/uapi/mb_evlog.h
			COMMENT "Compiling ${src}.c freestanding (kernel flags)"
			VERBATIM)
		list(APPEND MB_FREESTANDING_OBJS ${CMAKE_BINARY_DIR}/mbcore-freestanding/${src}.o)
	endforeach()
	add_custom_target(mbcore_freestanding ALL DEPENDS ${MB_FREESTANDING_OBJS})
endif()
