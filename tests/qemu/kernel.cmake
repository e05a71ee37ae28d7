# SPDX-License-Identifier: GPL-2.0-only
# kernel.cmake - tests of the test kernel: QEMU boots (label qemu), and host-only
# checks of its ELF and of its serial-protocol parser (label unit).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(_kdir ${CMAKE_CURRENT_LIST_DIR})

# Host-only unit tests of kernel code: built even with MB_BUILD_KERNEL=OFF
# (so the sanitizer build runs them).
# The serial-protocol frame parser and handler, on the host, against a fake peer.
add_executable(test_kernel_serproto ${_kdir}/kernel/serproto_test.c
	${CMAKE_SOURCE_DIR}/kernel/lib/serproto.c ${CMAKE_SOURCE_DIR}/kernel/lib/crc32.c)
target_include_directories(test_kernel_serproto PRIVATE ${CMAKE_SOURCE_DIR}/kernel/include)
mb_host_target(test_kernel_serproto)
add_test(NAME kernel_serproto_frames COMMAND test_kernel_serproto)
set_tests_properties(kernel_serproto_frames PROPERTIES LABELS unit)

# The kernel's printf engine (against the C library's) and command-line parser.
add_executable(test_kernel_klib ${_kdir}/kernel/klib_test.c
	${CMAKE_SOURCE_DIR}/kernel/lib/vsnprintf.c ${CMAKE_SOURCE_DIR}/kernel/boot/cmdline.c)
target_include_directories(test_kernel_klib PRIVATE ${CMAKE_SOURCE_DIR}/kernel/include)
mb_host_target(test_kernel_klib)
add_test(NAME kernel_klib_printf_cmdline COMMAND test_kernel_klib)
set_tests_properties(kernel_klib_printf_cmdline PROPERTIES LABELS unit)

if(NOT MB_BUILD_KERNEL)
	return()
endif()

# One ctest test per boot scenario, so they run in parallel.
foreach(sc m128 m512 m5g smp4 numa2 initrd mem256 bottomup doubling garbage_cmdline
	   determinism record_count exception serial_protocol multiboot evlog_full)
	add_test(NAME kernel_boot_${sc}
		COMMAND ${Python3_EXECUTABLE} ${_kdir}/run_kernel.py
			--build-dir ${CMAKE_BINARY_DIR} ${sc})
	set_tests_properties(kernel_boot_${sc} PROPERTIES LABELS qemu TIMEOUT 150)
endforeach()

# The built ELFs: PVH note, build-id, BTF, DWARF, exported symbols, kallsyms.
add_test(NAME kernel_elf_contents
	COMMAND ${Python3_EXECUTABLE} ${_kdir}/kernel/check_elf.py
		${CMAKE_BINARY_DIR}/kernel/kernel.elf ${CMAKE_BINARY_DIR}/kernel/kernel-doubling.elf
		${CMAKE_BINARY_DIR}/kernel/kernel-multiboot.elf)
set_tests_properties(kernel_elf_contents PROPERTIES LABELS unit)
