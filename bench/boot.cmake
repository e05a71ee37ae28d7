# SPDX-License-Identifier: GPL-2.0-only
# boot.cmake - `cmake --build . --target bench-boot`: QEMU boot time of the test kernel
# against an empty PVH kernel (QEMU's floor) and, if present, Linux 6.1.
if(NOT MB_BUILD_KERNEL)
	return()
endif()
add_executable(bench-empty-pvh ${CMAKE_CURRENT_LIST_DIR}/boot_empty_pvh.S)
target_compile_options(bench-empty-pvh PRIVATE -fno-pie)
target_link_options(bench-empty-pvh PRIVATE -nostdlib -static -no-pie -Wl,--build-id=sha1
	-Wl,-z,noexecstack -Wl,-T,${CMAKE_SOURCE_DIR}/kernel/linker.ld)
set_target_properties(bench-empty-pvh PROPERTIES OUTPUT_NAME empty-pvh.elf SUFFIX ""
	RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_custom_target(bench-boot
	COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/boot --build-dir ${CMAKE_BINARY_DIR}
	DEPENDS kernel bench-empty-pvh
	USES_TERMINAL)
