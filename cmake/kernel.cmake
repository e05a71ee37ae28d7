# SPDX-License-Identifier: GPL-2.0-only
# kernel.cmake - freestanding flags and the two-pass (kallsyms) link of the test kernel.
#
# Every flag here is attached to kernel targets only (target_compile_options /
# target_link_options), so nothing leaks into host code.  mb_kernel_image()
# builds one kernel ELF:
#   1. an object library with every kernel source (plus the memblock core),
#   2. a first link with an empty symbol table (kallsyms stub),
#   3. nm on that ELF -> kernel/scripts/kallsyms.py -> a table in .kallsyms,
#   4. the final link with the real table (.kallsyms is the last section, so
#      no other symbol moves; the build checks that), then pahole -J for BTF.

set(MB_EVLOG_CAPACITY 16384 CACHE STRING "Event-log capacity of the test kernel, in records")
set(MB_EVLOG_CHAIN_CAPACITY 4096 CACHE STRING
	"Records of the test kernel's log that get a caller chain (136 bytes each)")

set(MB_KERNEL_CFLAGS
	-ffreestanding -fno-builtin -fno-stack-protector -fno-pic -fno-pie
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none
	-fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-strict-aliasing
	-mno-red-zone -mgeneral-regs-only -mcmodel=small
	-g -O2
	-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)
if(MB_WERROR)
	list(APPEND MB_KERNEL_CFLAGS -Werror)
endif()
set(MB_KERNEL_LDFLAGS
	-nostdlib -static -no-pie -Wl,--build-id=sha1 -Wl,-z,max-page-size=0x1000
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
	-Wl,-T,${CMAKE_SOURCE_DIR}/kernel/linker.ld)

find_program(MB_PAHOLE pahole)
find_program(MB_NM nm)
find_package(Python3 COMPONENTS Interpreter REQUIRED)

# mb_kernel_image(<name> SOURCES <src...> [DEFINES <def...>])
# Produces ${CMAKE_CURRENT_BINARY_DIR}/<name>.elf and target <name>.
function(mb_kernel_image name)
	cmake_parse_arguments(K "" "" "SOURCES;DEFINES" ${ARGN})
	set(kdir ${CMAKE_SOURCE_DIR}/kernel)
	set(obj ${name}-objs)

	add_library(${obj} OBJECT ${K_SOURCES})
	target_include_directories(${obj} PRIVATE ${kdir}/include ${MB_CORE_INCLUDE})
	target_compile_definitions(${obj} PRIVATE MB_FREESTANDING
		MB_EVLOG_CAPACITY=${MB_EVLOG_CAPACITY}
		MB_EVLOG_CHAIN_CAPACITY=${MB_EVLOG_CHAIN_CAPACITY} MB_KERNEL_NAME="${name}"
		${K_DEFINES})
	target_compile_options(${obj} PRIVATE
		$<$<COMPILE_LANGUAGE:C>:${MB_KERNEL_CFLAGS}>
		$<$<COMPILE_LANGUAGE:ASM>:-g -fno-pie>)
	set_target_properties(${obj} PROPERTIES POSITION_INDEPENDENT_CODE OFF)

	# Pass 1: empty symbol table.
	set(pass1 ${name}-pass1)
	add_executable(${pass1} $<TARGET_OBJECTS:${obj}> ${kdir}/lib/kallsyms_stub.S)
	target_compile_options(${pass1} PRIVATE -g -fno-pie)
	target_link_options(${pass1} PRIVATE ${MB_KERNEL_LDFLAGS})
	set_target_properties(${pass1} PROPERTIES
		OUTPUT_NAME ${name}.pass1.elf SUFFIX ""
		RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/pass1
		LINK_DEPENDS ${kdir}/linker.ld)

	# Symbol table from pass 1.
	set(ksyms ${CMAKE_CURRENT_BINARY_DIR}/pass1/${name}.kallsyms.S)
	add_custom_command(OUTPUT ${ksyms}
		COMMAND ${Python3_EXECUTABLE} ${kdir}/scripts/kallsyms.py --nm ${MB_NM}
			$<TARGET_FILE:${pass1}> ${ksyms}
		DEPENDS ${pass1} ${kdir}/scripts/kallsyms.py
		COMMENT "kallsyms for ${name}")

	# Pass 2: the real table, then BTF.
	add_executable(${name} $<TARGET_OBJECTS:${obj}> ${ksyms})
	target_compile_options(${name} PRIVATE -g -fno-pie)
	target_link_options(${name} PRIVATE ${MB_KERNEL_LDFLAGS})
	set_target_properties(${name} PROPERTIES
		OUTPUT_NAME ${name}.elf SUFFIX ""
		RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
		LINK_DEPENDS ${kdir}/linker.ld)
	set(post ${Python3_EXECUTABLE} ${kdir}/scripts/kallsyms.py --nm ${MB_NM}
		--check $<TARGET_FILE:${pass1}> $<TARGET_FILE:${name}>)
	add_custom_command(TARGET ${name} POST_BUILD
		COMMAND ${post}
		COMMAND ${MB_PAHOLE} -J $<TARGET_FILE:${name}>
		COMMENT "checking symbols and adding BTF to ${name}.elf")
endfunction()
